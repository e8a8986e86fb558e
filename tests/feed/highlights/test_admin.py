"""Comms move highlights with admin actions; refusals come back as messages."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from feed.models import Highlight
from tests.factories import WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms_client(client, comms, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms)
    return client


def act(client, model: str, action: str, pks) -> list[tuple[str, str]]:
    response = client.post(
        reverse(f"admin:feed_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_propose_as_highlight_from_the_wins(comms_client, win, author):
    team_only = WinFactory(author=author, visibility="team")
    said = act(comms_client, "win", "propose_highlight", [win.pk, team_only.pk])
    assert Highlight.objects.get().win == win
    assert ("success", "Proposed 1 highlight.") in said
    assert any(level == "error" and "team only" in text for level, text in said)


def test_ask_publish_withdraw_actions(comms_client, draft, author, credited):
    said = act(comms_client, "highlight", "ask_for_consent", [draft.pk])
    assert ("success", "Asked for consent on 1 highlight.") in said
    draft.refresh_from_db()
    assert draft.status == "awaiting"

    said = act(comms_client, "highlight", "publish", [draft.pk])
    assert said[0][0] == "error"
    assert "Only an approved highlight" in said[0][1]
    draft.refresh_from_db()
    assert draft.status == "awaiting"

    said = act(comms_client, "highlight", "withdraw", [draft.pk])
    assert ("success", "Withdrew 1 highlight.") in said
    draft.refresh_from_db()
    assert draft.status == "withdrawn"


def test_publish_action(comms_client, approved):
    said = act(comms_client, "highlight", "publish", [approved.pk])
    assert ("success", "Published 1 highlight.") in said
    approved.refresh_from_db()
    assert approved.status == "published"


def test_highlight_page_shows_people_consents_and_events(comms_client, awaiting):
    response = comms_client.get(reverse("admin:feed_highlight_change", args=[awaiting.pk]))
    assert response.status_code == 200
    assert "Ana García, Customer Care" in response.text
    assert awaiting.consents.first().fingerprint in response.text
    assert "Consent asked" in response.text
    assert 'name="_save"' not in response.text  # read-only: changes go through the actions


def test_staff_outside_comms_cannot_act(client, settings, draft):
    from tests.factories import UserFactory

    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("admin:feed_highlight_changelist"),
        {"action": "ask_for_consent", "_selected_action": [str(draft.pk)]},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_superuser_refused_when_acting_as_a_service_refuses(client, settings, awaiting):
    """The superuser can run the actions; a refusal is a message, never a 500."""
    from tests.factories import UserFactory

    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    said = act(client, "highlight", "ask_for_consent", [awaiting.pk])
    assert said[0][0] == "error"
    assert "only be asked for a draft" in said[0][1]
