"""Property-based contract test: Schemathesis against the app's own OpenAPI schema.

Every operation, anonymously and with an editor's key: no server error, no response
that contradicts the schema, and no operation that ignores authentication.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from factcheck import services
from factcheck.models import Status
from newsroom.wsgi import application
from tests import factories

# Loaded at collection from the app itself, in process; the schema view touches no
# database. (Schemathesis's lazy fixture loader does not run on this pytest.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    # Requests go straight to the WSGI app, not through Django's test client, so do
    # what the test client does: keep the test's transaction open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Enough examples to explore every parameter, few enough for CI (two cores).
EXAMPLES = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture
def newsroom(db, django_settings_unthrottled, editor, administrator):
    """A small newsroom for the generated requests to meet: every kind of row."""
    for status in (Status.SUBMITTED, Status.IN_RESEARCH, Status.PUBLISHED):
        claim = factories.claim_at(status)
        with factories.assembling(claim):
            factories.source(claim, url=f"https://example.org/{claim.pk}")
    _token, key = services.issue_token(editor, actor=administrator, name="contract")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def django_settings_unthrottled(settings):
    # Throttling is tested on its own; here it would only hide the other answers.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }
    cache.clear()


# Every check runs but one: "schema-valid data must be accepted" cannot hold for an
# API whose valid-looking ids may name rows that do not exist, or whose workflow
# refuses moves the schema cannot describe; those answer 400/404/409 by design.
NOT_CHECKED = [positive_data_acceptance]


@schema.parametrize()
@EXAMPLES
def test_it_keeps_its_contract_for_anonymous_clients(case, newsroom):
    case.call_and_validate(excluded_checks=NOT_CHECKED)


@schema.parametrize()
@EXAMPLES
def test_it_keeps_its_contract_for_an_editor_key(case, newsroom):
    case.call_and_validate(headers=newsroom, excluded_checks=NOT_CHECKED)
