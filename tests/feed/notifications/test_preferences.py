"""The email preferences page: a cadence per kind, the manager digest, saving."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.models import Cadence, EmailPreference, NotificationKind
from feed.notifications.preferences import cadence_for
from feed.notifications.services import preference_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("notifications:preferences")


@pytest.fixture
def person(client):
    person = UserFactory(name="Pat Person")
    client.force_login(person)
    return person


@pytest.fixture
def manager(client):
    manager = UserFactory(name="Mia Manager")
    UserFactory(manager=manager)
    client.force_login(manager)
    return manager


def selected(html: str, name: str) -> str | None:
    """The value of the option selected in the <select name=...>."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    if select is None:
        return None
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return option.group(1) if option else None


def checked(html: str, name: str) -> str | None:
    match = re.search(rf'<input type="radio" name="{name}" value="([^"]*)"[^>]*checked', html)
    return match.group(1) if match else None


def form_data(person, **changes) -> dict[str, str]:
    data = {kind: cadence_for(user=person, kind=kind) for kind in NotificationKind.values}
    return {**data, **changes}


def test_each_kind_shows_its_default(client, person):
    """Mentions, credits and consent at once; reactions and comments in the daily summary."""
    html = client.get(URL).content.decode()

    assert selected(html, "mention") == Cadence.IMMEDIATELY
    assert selected(html, "credit") == Cadence.IMMEDIATELY
    assert selected(html, "consent") == Cadence.IMMEDIATELY
    assert selected(html, "reaction") == Cadence.DAILY
    assert selected(html, "comment") == Cadence.DAILY
    for kind in NotificationKind:
        if kind != NotificationKind.CONSENT_ANSWER:  # comms only: test_candidates_email.py
            assert escape(str(kind.label)) in html
    for cadence in Cadence:
        assert f">{cadence.label}</option>" in html


def test_each_kind_shows_the_saved_choice(client, person):
    preference_set(user=person, kind=NotificationKind.REACTION, cadence=Cadence.NEVER)
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.WEEKLY)

    html = client.get(URL).content.decode()

    assert selected(html, "reaction") == Cadence.NEVER
    assert selected(html, "mention") == Cadence.WEEKLY


def test_saving_changes_only_what_changed(client, person):
    """Kinds left at their default get no row, so a better default later reaches them."""
    response = client.post(URL, form_data(person, comment=Cadence.WEEKLY, credit=Cadence.NEVER))

    assert response.status_code == 302
    assert response["Location"] == URL
    assert dict(EmailPreference.objects.filter(user=person).values_list("kind", "cadence")) == {
        NotificationKind.COMMENT: Cadence.WEEKLY,
        NotificationKind.CREDIT: Cadence.NEVER,
    }
    page = client.get(URL).content.decode()
    assert "Your email preferences are saved." in page
    assert selected(page, "comment") == Cadence.WEEKLY


def test_an_impossible_choice_is_refused_with_a_message(client, person):
    response = client.post(URL, form_data(person, mention="hourly"))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Your email preferences were not saved" in html
    assert 'href="#id_mention"' in html
    assert not EmailPreference.objects.filter(user=person).exists()


def test_the_labels_speak_the_persons_language(client, person):
    person.language = "es"
    person.save(update_fields=["language"])

    html = client.get(URL).content.decode()

    assert '<html lang="es">' in html
    with translation.override("es"):
        assert escape(str(NotificationKind.MENTION.label)) in html
        assert f">{Cadence.DAILY.label}</option>" in html


def test_people_without_reports_see_no_digest(client, person):
    html = client.get(URL).content.decode()

    assert 'name="digest"' not in html
    assert 'name="digest_scope"' not in html


def test_a_manager_chooses_the_digest_and_whose_wins(client, manager):
    html = client.get(URL).content.decode()
    assert selected(html, "digest") == Cadence.WEEKLY
    assert checked(html, "digest_scope") == EmailPreference.DigestScope.DIRECT

    response = client.post(
        URL,
        form_data(manager, digest=Cadence.WEEKLY, digest_scope=EmailPreference.DigestScope.TREE),
    )

    assert response.status_code == 302
    digest = EmailPreference.objects.get(user=manager, kind=EmailPreference.DIGEST)
    assert (digest.cadence, digest.scope) == (Cadence.WEEKLY, EmailPreference.DigestScope.TREE)
    assert checked(client.get(URL).content.decode(), "digest_scope") == "tree"


def test_a_manager_can_preview_the_digest(client, manager):
    html = client.get(URL).content.decode()

    assert f'href="{reverse("notifications:digest_preview")}"' in html


def test_a_manager_turns_the_digest_off(client, manager):
    client.post(URL, form_data(manager, digest=Cadence.NEVER, digest_scope="direct"))

    assert cadence_for(user=manager, kind=EmailPreference.DIGEST) == Cadence.NEVER


def test_the_digest_is_weekly_or_never(client, manager):
    response = client.post(URL, form_data(manager, digest=Cadence.DAILY, digest_scope="direct"))

    assert response.status_code == 400
    assert cadence_for(user=manager, kind=EmailPreference.DIGEST) == Cadence.WEEKLY


def test_the_settings_menu_leads_here(client, person):
    html = client.get(reverse("accounts:profile_edit")).content.decode()

    assert f'<a href="{URL}"' in html
    assert "Email notifications" in html
    here = client.get(URL).content.decode()
    assert re.search(rf'<a href="{URL}"\s+aria-current="page">Email notifications</a>', here)


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
