"""Property-based contract test: Schemathesis against the app's own OpenAPI schema.

Every operation, anonymously and with an editor's and a fact-checker's key: no
server error; every status, content type, header and body as the schema documents
it; bad input refused; no operation that ignores authentication. The generated ids
are pointed at rows that exist, so each operation answers with real data, not only
404s; and the throttles are raised, so none answers 429 instead.

Then the cases a generator finds only by luck, pinned: a published fact-check with
every optional part missing or oddly spelled, links typed with characters no URI may
carry, and the refusals of the HTTP server itself.
"""

import os
import socket
import subprocess
import sys

import jsonschema_rs
import pytest
import requests
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from factcheck import services
from factcheck.models import (
    Appearance,
    Article,
    Claim,
    FactCheck,
    IntakeArticle,
    Language,
    Proposal,
    Rating,
    Source,
    Status,
)
from factcheck.services import intake
from newsroom.wsgi import application
from tests import factories


def loaded(*, coverage: bool):
    """The schema, loaded at collection from the app itself, in process; the schema
    view touches no database. (Schemathesis's lazy fixture loader does not run on
    this pytest.)"""
    phases = {"coverage": {"enabled": coverage}}
    config = SchemathesisConfig.from_dict({"phases": phases})
    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)


# The editor's run adds the coverage phase: the boundary and negative values of
# every parameter and body field, about four times as many requests as the rest.
# An editor's key reaches every validator; the public operations ignore the key,
# so the same values sent anonymously would only repeat it, and a fact-checker's
# key is refused (403) before most of the values are read.
schema = loaded(coverage=True)
fuzzed = loaded(coverage=False)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    # Requests go straight to the WSGI app, not through Django's test client, so do
    # what the test client does: keep the test's transaction open across requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Enough examples to reach every parameter and status, few enough for CI: the three
# clients' runs over every operation take about two minutes on two cores.
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def never_throttled(ctx, response, case) -> None:
    """A 429 would stand in for the answer the operation was meant to give."""
    assert response.status_code != 429, f"{case.operation.label} was throttled"


# Every check but one: "schema-valid data must be accepted" cannot hold for an API
# whose workflow refuses moves the schema cannot describe (409), or whose valid
# looking ids may name rows deleted by an earlier example (404).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
    never_throttled,
]

QUOTED_LINK = 'https://evidence.example/report-"final"-<2023>'


@pytest.fixture
def unthrottled(settings):
    # Throttling is tested on its own; here it would only hide the other answers.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "1000000/min",
            "user": "1000000/min",
            "match": "1000000/min",
        },
    }
    cache.clear()


@pytest.fixture
def small_embedder(settings):
    # Matching and intake run on every generated request; the real embedder is
    # tested in test_api_match.py.
    settings.INTAKE_EMBEDDER = "tests.intake_embedder.TrigramEmbedder"


@pytest.fixture
def newsroom(db, unthrottled, small_embedder, editor, fact_checker, administrator):
    """A small newsroom for the generated requests to meet: a claim at every step
    of the workflow, and a published fact-check with every optional part present
    or missing (a claimant with a `sameAs`, an article with no date, a correction,
    links typed with quotes and angle brackets)."""
    claimant = factories.claimant(same_as="https://example.org/people/<ushakov>")
    published = factories.public_factcheck(
        Language.ARABIC,
        sources=2,
        appearances=2,
        corrections=1,
        claim_fields={"claimant": claimant},
    )
    with factories.assembling(published.claim):
        factories.source(published.claim, url=QUOTED_LINK, title="Quoted")
    for status in (
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.IN_RESEARCH,
        Status.IN_REVIEW,
        Status.APPROVED,
    ):
        claim = factories.claim_at(status, author=fact_checker)
        factories.source(claim, url=f'https://example.org/{claim.pk}?q="{status}"')
    factories.claim(text="Turkey is not a party", language=Language.ENGLISH)
    # An article taken in and processed, so its proposals can be read and decided.
    article = intake.submit_article(
        actor=fact_checker,
        text="وقال بيسكوف إن تركيا ليست طرفا في نظام روما الأساسي.\n"
        "وأضاف أن 123 دولة وقعت على النظام منذ عام 2002.",
    )
    intake.run_intake_job(article.pk, lease="contract")
    return {
        "editor": bearer(services.issue_token(editor, actor=administrator, name="c")),
        "fact_checker": bearer(
            services.issue_token(fact_checker, actor=administrator, name="c")
        ),
        "administrator": bearer(
            services.issue_token(administrator, actor=administrator, name="c")
        ),
        "rows": existing_rows(),
    }


def bearer(issued) -> dict:
    _token, key = issued
    return {"Authorization": f"Bearer {key}"}


def existing_rows() -> dict[tuple[str, str], list]:
    """What each path parameter can name, by collection and parameter."""
    published = FactCheck.objects.published()
    return {
        ("claims", "id"): sorted(Claim.objects.values_list("pk", flat=True)),
        ("sources", "id"): sorted(Source.objects.values_list("pk", flat=True)),
        ("articles", "id"): sorted(Article.objects.values_list("pk", flat=True)),
        ("factchecks", "slug"): sorted(published.values_list("slug", flat=True)),
        ("claimants", "slug"): sorted(
            published.values_list("claim__claimant__slug", flat=True)
        ),
        ("ratings", "value"): sorted(Rating.objects.values_list("value", flat=True)),
        ("intake/articles", "id"): sorted(
            IntakeArticle.objects.values_list("pk", flat=True)
        ),
        ("intake/proposals", "id"): sorted(
            Proposal.objects.values_list("pk", flat=True)
        ),
    }


def aim_at_the_newsroom(case, rows: dict) -> None:
    """Point a generated id or slug at a row that exists; a negative case's
    (a string where a number goes, a negative number) is left to miss."""
    parts = case.operation.path.split("/")
    collection = "/".join(parts[3:5]) if parts[3] == "intake" else parts[3]
    for name, value in (case.path_parameters or {}).items():
        existing = rows.get((collection, name))
        if not existing or isinstance(value, bool):
            continue
        if isinstance(value, int) and value >= 0:
            case.path_parameters[name] = existing[value % len(existing)]
        elif isinstance(value, str) and name == "slug":
            case.path_parameters[name] = existing[len(value) % len(existing)]


@fuzzed.parametrize()
@EXAMPLES
def test_it_keeps_its_contract_for_anonymous_clients(case, newsroom):
    aim_at_the_newsroom(case, newsroom["rows"])
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_it_keeps_its_contract_for_an_editor_key(case, newsroom):
    aim_at_the_newsroom(case, newsroom["rows"])
    case.call_and_validate(headers=newsroom["editor"], checks=CHECKS)


@fuzzed.parametrize()
@EXAMPLES
def test_it_keeps_its_contract_for_a_fact_checker_key(case, newsroom):
    aim_at_the_newsroom(case, newsroom["rows"])
    case.call_and_validate(headers=newsroom["fact_checker"], checks=CHECKS)


@fuzzed.parametrize()
@EXAMPLES
def test_it_keeps_its_contract_for_an_administrator_key(case, newsroom):
    # Administrators manage accounts, not the desk's work: the newsroom's
    # operations refuse this key, and the refusals must be the documented ones.
    aim_at_the_newsroom(case, newsroom["rows"])
    case.call_and_validate(headers=newsroom["administrator"], checks=CHECKS)


# --- What a generator reaches only by luck -----------------------------------------

CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_it_answers_a_published_fact_check_as_its_schema_says(newsroom):
    published = FactCheck.objects.published().get()
    assert Appearance.objects.filter(article__published_on__isnull=True).exists()

    for path, parameters in [
        ("/api/v1/factchecks/", {}),
        ("/api/v1/factchecks/{slug}/", {"slug": published.slug}),
        ("/api/v1/claimants/", {}),
        ("/api/v1/claims/{id}/", {"id": published.claim_id}),
        ("/api/v1/claims/{id}/sources/", {"id": published.claim_id}),
    ]:
        case = schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call(headers=newsroom["editor"])
        assert response.status_code == 200
        case.validate_response(response, checks=CONFORMANCE)


URI = jsonschema_rs.validator_for(
    {"type": "string", "format": "uri"}, validate_formats=True
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (
            'https://evidence.example/report-"final"-<2023>',
            "https://evidence.example/report-%22final%22-%3C2023%3E",
        ),
        (
            "https://evidence.example/a{b}|c^d`e?list=[1]",
            "https://evidence.example/a%7Bb%7D%7Cc%5Ed%60e?list=%5B1%5D",
        ),
        ("https://evidence.example/100%-sure", "https://evidence.example/100%25-sure"),
        ("https://evidence.example/a%20b", "https://evidence.example/a%20b"),
        (
            "https://ar.wikipedia.org/wiki/بوتين#سيرة",
            "https://ar.wikipedia.org/wiki/%D8%A8%D9%88%D8%AA%D9%8A%D9%86"
            "#%D8%B3%D9%8A%D8%B1%D8%A9",
        ),
        ("https://مثال.إختبار/", "https://xn--mgbh0fb.xn--kgbechtv/"),
    ],
)
def test_it_stores_every_link_as_a_uri(newsroom, typed, stored):
    claim = factories.claim_at(Status.IN_RESEARCH)
    case = schema["/api/v1/claims/{id}/sources/"]["POST"].Case(
        path_parameters={"id": claim.pk},
        body={"url": typed, "title": "Evidence", "kind": "primary"},
    )

    response = case.call(headers=newsroom["editor"])

    assert response.status_code == 201, response.json()
    case.validate_response(response, checks=CONFORMANCE)
    assert response.json()["url"] == stored
    assert Source.objects.get(pk=response.json()["id"]).url == stored
    assert URI.is_valid(stored)
    # The admin's forms and every other door clean the link the same way.
    assert Source._meta.get_field("url").clean(typed, None) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "https://evidence.example/two words",
        "https://evidence.example/\u202efdp.exe",
        # No IDNA spelling: a label longer than 63 letters.
        "https://" + "ب" * 64 + ".example/",
        # Short as typed, longer than a link may be once encoded.
        "https://ar.wikipedia.org/wiki/" + "ب" * 400,
    ],
)
def test_it_refuses_a_link_that_cannot_be_stored_as_a_uri(newsroom, typed):
    claim = factories.claim_at(Status.IN_RESEARCH)
    before = claim.sources.count()
    case = schema["/api/v1/claims/{id}/sources/"]["POST"].Case(
        path_parameters={"id": claim.pk},
        body={"url": typed, "title": "Evidence", "kind": "primary"},
    )

    response = case.call(headers=newsroom["editor"])

    assert response.status_code == 400
    assert "url" in response.json()
    case.validate_response(response, checks=CONFORMANCE)
    assert claim.sources.count() == before


@pytest.fixture(scope="module")
def served():
    """The app behind gunicorn, as `make run` serves it. The listening socket is
    opened here and handed over, so a request waits in its queue until the server
    is up instead of the test polling for it."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn and arguments)
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "newsroom.wsgi",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            "1",
        ],
        pass_fds=[listener.fileno()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listener.close()
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.parametrize(
    ("request_line_and_headers", "status"),
    [
        # The request an outside fuzzer sent: a 6 KB request line.
        ({"params": {"q": "a" * 6000}}, 414),
        ({"headers": {"X-Padding": "a" * 9000}}, 431),
        ({"headers": {"Expect": "200-ok"}}, 417),
    ],
)
def test_it_documents_the_http_servers_own_refusals(
    served, request_line_and_headers, status
):
    for path, method in [("/api/v1/articles/", "GET"), ("/api/v1/claims/", "POST")]:
        answered = requests.request(
            method, served + path, timeout=60, **request_line_and_headers
        )
        assert answered.status_code == status
        case = schema[path][method].Case()
        case.validate_response(
            answered, checks=[status_code_conformance, content_type_conformance]
        )


def test_it_documents_the_servers_refusals_for_every_operation():
    for path, operations in schema.raw_schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "414", "417", "431", "501"):
                content = operation["responses"][status]["content"]
                assert "text/html" in content, (method, path, status)
