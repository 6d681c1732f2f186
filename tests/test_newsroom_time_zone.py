"""Scheduled publication is entered and shown in the newsroom's time zone."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from factcheck.models import Status
from newsroom.environment import env_time_zone
from tests import factories

pytestmark = pytest.mark.django_db

AMMAN = datetime.timezone(datetime.timedelta(hours=3))  # Asia/Amman, all year


@pytest.fixture
def approved(editor):
    return factories.claim_at(Status.APPROVED, approver=editor)


@override_settings(TIME_ZONE="Asia/Amman")
def test_a_publication_time_is_entered_and_shown_in_the_newsrooms_zone(
    client, editor, approved
):
    client.force_login(editor)
    claim_page = reverse("admin:factcheck_claim_change", args=[approved.pk])

    form = client.get(claim_page).content.decode()
    assert '<span class="time-zone">Asia/Amman</span>' in form

    response = client.post(
        reverse("admin:factcheck_claim_schedule", args=[approved.pk]),
        {"publish_at": "2031-06-01T12:00", "version": approved.version},
        follow=True,
    )

    approved.factcheck.refresh_from_db()
    stored = approved.factcheck.publish_at
    assert stored == datetime.datetime(2031, 6, 1, 12, 0, tzinfo=AMMAN)
    assert stored.astimezone(datetime.UTC).hour == 9
    page = response.content.decode()
    assert "Publication scheduled for 2031-06-01 12:00 +03." in page
    assert "Scheduled for 2031-06-01 12:00 +03 by" in page
    # The field offers the time again as the newsroom reads it.
    assert 'value="2031-06-01T12:00"' in page


def test_a_misspelt_time_zone_stops_the_desk_with_its_name(monkeypatch):
    monkeypatch.setenv("NEWSROOM_TIME_ZONE", "Asia/Amán")

    with pytest.raises(ImproperlyConfigured, match="Asia/Amán"):
        env_time_zone("NEWSROOM_TIME_ZONE", "UTC")


def test_the_time_zone_defaults_to_utc(monkeypatch):
    monkeypatch.delenv("NEWSROOM_TIME_ZONE", raising=False)

    assert env_time_zone("NEWSROOM_TIME_ZONE", "UTC") == "UTC"
