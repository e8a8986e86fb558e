"""Unsubscribing in one click, without signing in: the signed link is the authorisation.

GET (the visible link) and POST `List-Unsubscribe=One-Click` (RFC 8058, sent by
mail providers without cookies or CSRF token) both turn that kind of email off
and say which; "Undo" turns it back on; a forged link changes nothing.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Cadence, EmailPreference, NotificationKind
from feed.models import Email
from feed.notifications import cadence_for, preference_set, unsubscribe_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def person():
    return UserFactory(name="Uma Unsub", email="uma.private@example.com")


def url_for(person, email_kind: str) -> str:
    token = unsubscribe_token(user=person, email_kind=email_kind)
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_the_link_turns_that_kind_off_and_says_which(client, person):
    response = client.get(url_for(person, Email.Kind.MENTION))

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER
    assert (
        cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.DAILY
    )  # others untouched
    text = text_of(response)
    assert "You are unsubscribed" in text
    assert (
        "You will no longer get an email each time there is one of these: Mentions of you" in text
    )
    assert "Undo" in text
    assert f'href="{reverse("notifications:preferences")}"' in response.content.decode()


def test_the_page_never_shows_whose_address_it_is(client, person):
    response = client.get(url_for(person, Email.Kind.MENTION))

    assert "uma.private" not in response.content.decode()
    assert "Uma" not in response.content.decode()


def test_the_page_is_kept_out_of_caches_and_search_engines(client, person):
    response = client.get(url_for(person, Email.Kind.MENTION))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"  # the token stays out of logs


def test_one_click_post_works_without_cookies_or_csrf(person):
    """RFC 8058: the mail provider posts `List-Unsubscribe=One-Click`, nothing else."""
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(url_for(person, Email.Kind.COMMENT), ONE_CLICK)

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.NEVER


def test_unsubscribing_twice_is_harmless(client, person):
    url = url_for(person, Email.Kind.MENTION)

    client.post(url, ONE_CLICK)
    response = client.get(url)

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER
    assert EmailPreference.objects.filter(user=person).count() == 1


def test_undo_turns_the_kind_back_on(person):
    browser = Client(enforce_csrf_checks=True)
    url = url_for(person, Email.Kind.MENTION)
    browser.get(url)

    response = browser.post(url, {"action": "undo", "kind": "mention"})

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    text = text_of(response)
    assert "Emails turned back on" in text
    assert "Mentions of you" in text
    assert "Unsubscribe again" in text

    again = browser.post(url, {"action": "unsubscribe", "kind": "mention"})

    assert again.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER


def test_undo_of_one_kind_cannot_touch_another(client, person):
    """The token names one kind: fields naming others are ignored."""
    preference_set(user=person, kind=NotificationKind.REACTION, cadence=Cadence.NEVER)
    url = url_for(person, Email.Kind.MENTION)

    client.post(url, {"action": "undo", "kind": ["reaction", "digest"]})

    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.NEVER
    assert not EmailPreference.objects.filter(user=person, kind=EmailPreference.DIGEST).exists()


def test_a_summary_link_turns_off_every_kind_it_gathers(client, person):
    """Reactions and comments come in the daily summary by default: both are turned off."""
    response = client.get(url_for(person, Email.Kind.DAILY_SUMMARY))

    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.NEVER
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.NEVER
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    text = text_of(response)
    assert "You will no longer get a daily summary of these:" in text
    assert "Reactions to your wins" in text
    assert "Comments on your wins" in text

    client.post(
        url_for(person, Email.Kind.DAILY_SUMMARY),
        {"action": "undo", "kind": ["reaction", "comment"]},
    )

    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.DAILY
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.DAILY


def test_a_summary_with_nothing_left_in_it_says_so(client, person):
    client.get(url_for(person, Email.Kind.WEEKLY_SUMMARY))  # nothing is weekly by default

    response = client.get(url_for(person, Email.Kind.WEEKLY_SUMMARY))

    assert "You get no weekly summary: nothing is set to arrive in it." in text_of(response)
    assert "Undo" not in text_of(response)


def test_the_digest_link_turns_the_digest_off(client, person):
    response = client.get(url_for(person, Email.Kind.DIGEST))

    assert cadence_for(user=person, kind=EmailPreference.DIGEST) == Cadence.NEVER
    assert "You will no longer get the weekly digest of your team's wins." in text_of(
        response
    ).replace("&#x27;", "'")

    client.post(url_for(person, Email.Kind.DIGEST), {"action": "undo"})

    assert cadence_for(user=person, kind=EmailPreference.DIGEST) == Cadence.WEEKLY


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_link_changes_nothing_and_says_so(client, person, method):
    token = unsubscribe_token(user=person, email_kind=Email.Kind.MENTION)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    url = reverse("notifications:unsubscribe", kwargs={"token": forged})

    response = getattr(client, method)(url, ONE_CLICK if method == "post" else None)

    assert response.status_code == 400
    assert "This unsubscribe link does not work" in text_of(response)
    assert f'href="{reverse("notifications:preferences")}"' in response.content.decode()
    assert not EmailPreference.objects.exists()


def test_a_token_made_for_something_else_is_refused(client, person):
    """A value signed with the same key but another salt is not an unsubscribe token."""
    from django.core import signing

    token = signing.dumps({"u": person.pk, "k": "mention"}, compress=True)

    response = client.get(reverse("notifications:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 400


def test_a_link_of_someone_who_left_is_refused(client, person):
    url = url_for(person, Email.Kind.MENTION)
    person.is_active = False
    person.save(update_fields=["is_active"])

    assert client.get(url).status_code == 400


def test_signed_out_the_page_speaks_the_language_of_the_email(client, person):
    person.language = "es"
    person.save(update_fields=["language"])

    response = client.get(url_for(person, Email.Kind.MENTION))

    assert '<html lang="es">' in response.content.decode()


def test_only_get_and_post(client, person):
    assert client.put(url_for(person, Email.Kind.MENTION)).status_code == 405
    assert not EmailPreference.objects.exists()


def test_a_language_the_reader_chose_wins(client, person):
    """The language switcher on the page works: its cookie beats the email's language."""
    person.language = "es"
    person.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(url_for(person, Email.Kind.MENTION))

    assert '<html lang="en">' in response.content.decode()
