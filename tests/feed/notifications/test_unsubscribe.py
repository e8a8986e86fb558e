"""Unsubscribing without signing in: the signed link is the authorisation.

Opening the link (GET, as mail scanners and previews do) changes nothing: the
page asks, with one button. Only a POST unsubscribes: that button, with a CSRF
token, or RFC 8058's `List-Unsubscribe=One-Click`, sent by mail providers
without cookies or CSRF token. "Undo" puts back exactly what that unsubscribe
changed and nothing else; a forged link changes nothing.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.models import Cadence, EmailPreference, NotificationKind
from feed.notifications.models import Email
from feed.notifications.preferences import cadence_for
from feed.notifications.services import (
    preference_set,
    unsubscribe_token,
    unsubscribe_undo_token,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
UNSUBSCRIBE = {"action": "unsubscribe"}


@pytest.fixture
def person():
    return UserFactory(name="Uma Unsub", email="uma.private@example.com")


def url_for(person, email_kind: str) -> str:
    token = unsubscribe_token(user=person, email_kind=email_kind)
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace(
        "&#x27;", "'"
    )


def forms_in_page(response) -> int:
    """How many forms the unsubscribe section holds (the header has the language switcher)."""
    section = re.search(
        r'<section class="unsubscribe".*?</section>', response.content.decode(), re.S
    )
    return len(re.findall(r"<form\b", section[0]))


def field(response, name: str) -> str:
    """The value of the page's hidden field `name`."""
    match = re.search(rf'name="{name}" value="([^"]+)"', response.content.decode())
    assert match, f"no {name} field"
    return match[1]


def unsubscribe(client, url: str):
    """What a person does: open the link, press the button."""
    page = client.get(url)
    return client.post(
        url, {**UNSUBSCRIBE, "csrfmiddlewaretoken": field(page, "csrfmiddlewaretoken")}
    )


def undo(client, url: str, unsubscribed):
    """Press the Undo button of the page `unsubscribed`."""
    return client.post(
        url,
        {
            "action": "undo",
            "undo": field(unsubscribed, "undo"),
            "csrfmiddlewaretoken": field(unsubscribed, "csrfmiddlewaretoken"),
        },
    )


# --------------------------------------------------------------------------
# Opening the link asks; it changes nothing
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("email_kind", "question"),
    [
        (
            Email.Kind.MENTION,
            "Stop getting an email each time there is one of these? Mentions of you",
        ),
        (
            Email.Kind.DAILY_SUMMARY,
            "Stop getting a daily summary of these? Reactions to your wins Comments on your wins",
        ),
        (Email.Kind.DIGEST, "Stop getting the weekly digest of your team's wins?"),
        (Email.Kind.CANDIDATES, "Stop getting the weekly email of highlight candidates?"),
    ],
)
def test_opening_the_link_changes_nothing_and_asks(client, person, email_kind, question):
    """A mail scanner or a preview that opens the link, however often, unsubscribes nobody."""
    for _ in range(3):
        response = client.get(url_for(person, email_kind))

    assert response.status_code == 200
    assert not EmailPreference.objects.exists()
    text = text_of(response)
    assert "Unsubscribe?" in text
    assert question in text
    assert "You are unsubscribed" not in text
    assert forms_in_page(response) == 1  # one button
    assert field(response, "action") == "unsubscribe"
    assert re.search(
        r"<button type=\"submit\"[^>]*>\s*Unsubscribe\s*</button>", response.content.decode()
    )
    assert f'href="{reverse("notifications:preferences")}"' in response.content.decode()


def test_the_button_turns_that_kind_off_and_says_which(person):
    browser = Client(enforce_csrf_checks=True)

    response = unsubscribe(browser, url_for(person, Email.Kind.MENTION))

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


@pytest.mark.parametrize("action", ["unsubscribe", "undo"])
def test_the_pages_buttons_need_the_csrf_token(person, action):
    """Only the one-click POST goes without one; the page's own form is checked."""
    browser = Client(enforce_csrf_checks=True)
    url = url_for(person, Email.Kind.MENTION)
    browser.get(url)  # the CSRF cookie, but no token in the form
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)
    changes = {NotificationKind.MENTION: None}
    data = {
        "action": action,
        "undo": unsubscribe_undo_token(user=person, email_kind="mention", changes=changes),
    }

    response = browser.post(url, data)

    assert response.status_code == 403
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER
    assert EmailPreference.objects.get(user=person).cadence == Cadence.NEVER


def test_opening_the_link_once_off_says_so_without_a_button(client, person):
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)

    response = client.get(url_for(person, Email.Kind.MENTION))

    text = text_of(response)
    assert "You are unsubscribed" in text
    assert "Mentions of you" in text
    assert forms_in_page(response) == 0


def test_the_page_never_shows_whose_address_it_is(client, person):
    response = client.get(url_for(person, Email.Kind.MENTION))

    assert "uma.private" not in response.content.decode()
    assert "Uma" not in response.content.decode()


def test_the_page_is_kept_out_of_caches_and_search_engines(client, person):
    response = client.get(url_for(person, Email.Kind.MENTION))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    # The token stays out of other sites' logs; "no-referrer" would make browsers
    # send "Origin: null" with the page's own form, which the CSRF check refuses.
    assert response["Referrer-Policy"] == "same-origin"


def test_one_click_post_works_without_cookies_or_csrf(person):
    """RFC 8058: the mail provider posts `List-Unsubscribe=One-Click`, nothing else."""
    provider = Client(enforce_csrf_checks=True)

    response = provider.post(url_for(person, Email.Kind.COMMENT), ONE_CLICK)

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.NEVER


def test_one_click_cannot_undo(person):
    """Without CSRF only unsubscribing goes through, whatever else the POST says."""
    provider = Client(enforce_csrf_checks=True)
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)
    changes = {NotificationKind.MENTION: None}
    token = unsubscribe_undo_token(user=person, email_kind="mention", changes=changes)

    provider.post(
        url_for(person, Email.Kind.MENTION), {**ONE_CLICK, "action": "undo", "undo": token}
    )

    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER


def test_unsubscribing_twice_is_harmless(client, person):
    url = url_for(person, Email.Kind.MENTION)

    client.post(url, ONE_CLICK)
    response = client.post(url, UNSUBSCRIBE)

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER
    assert EmailPreference.objects.filter(user=person).count() == 1
    assert "You are unsubscribed" in text_of(response)
    assert "Undo" not in text_of(response)  # nothing changed, nothing to undo


# --------------------------------------------------------------------------
# Undo
# --------------------------------------------------------------------------
def test_undo_turns_the_kind_back_on(person):
    browser = Client(enforce_csrf_checks=True)
    url = url_for(person, Email.Kind.MENTION)
    unsubscribed = unsubscribe(browser, url)

    response = undo(browser, url, unsubscribed)

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    text = text_of(response)
    assert "Emails turned back on" in text
    assert "Mentions of you" in text
    assert "Unsubscribe again" in text

    again = browser.post(
        url, {**UNSUBSCRIBE, "csrfmiddlewaretoken": field(response, "csrfmiddlewaretoken")}
    )

    assert again.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER


def test_undo_of_a_summary_puts_back_exactly_what_it_turned_off(client, person):
    """Each kind gets back the person's own choice or, without one, its default;
    a kind the unsubscribe did not touch stays as it is, whatever the form says."""
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.DAILY)
    preference_set(user=person, kind=NotificationKind.CREDIT, cadence=Cadence.NEVER)
    url = url_for(person, Email.Kind.DAILY_SUMMARY)
    unsubscribed = unsubscribe(client, url)
    for kind in (NotificationKind.MENTION, NotificationKind.REACTION, NotificationKind.COMMENT):
        assert cadence_for(user=person, kind=kind) == Cadence.NEVER
    assert "Reactions to your wins Comments on your wins Mentions of you" in text_of(unsubscribed)

    response = client.post(
        url,
        {"action": "undo", "undo": field(unsubscribed, "undo"), "kind": ["credit", "consent"]},
    )

    assert response.status_code == 200
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.DAILY
    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.DAILY
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.DAILY
    assert cadence_for(user=person, kind=NotificationKind.CREDIT) == Cadence.NEVER
    # No choice before, none after: reactions and comments follow the defaults again.
    assert set(EmailPreference.objects.filter(user=person).values_list("kind", "cadence")) == {
        (NotificationKind.MENTION, Cadence.DAILY),
        (NotificationKind.CREDIT, Cadence.NEVER),
    }
    assert "These are back in your daily summary:" in text_of(response)


def test_undo_leaves_alone_what_was_changed_since(client, person):
    url = url_for(person, Email.Kind.DAILY_SUMMARY)
    unsubscribed = unsubscribe(client, url)
    preference_set(user=person, kind=NotificationKind.REACTION, cadence=Cadence.WEEKLY)

    response = undo(client, url, unsubscribed)

    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.WEEKLY
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.DAILY
    text = text_of(response)
    assert "These are back in your daily summary: Comments on your wins" in text
    assert "Reactions to your wins" not in text

    again = undo(client, url, unsubscribed)  # the same button twice

    assert "Nothing was turned back on" in text_of(again)
    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.WEEKLY


def test_an_old_undo_sent_again_leaves_a_later_choice_alone(client, person):
    """Undo, then "never" chosen on the preferences page, then the old Undo button
    sent again from the browser's history: the later choice stands."""
    url = url_for(person, Email.Kind.MENTION)
    unsubscribed = unsubscribe(client, url)
    undo(client, url, unsubscribed)
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)

    again = undo(client, url, unsubscribed)

    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER
    assert "Nothing was turned back on" in text_of(again)


def test_undo_of_the_digest_keeps_its_scope(client, person):
    preference_set(
        user=person,
        kind=EmailPreference.DIGEST,
        cadence=Cadence.WEEKLY,
        scope=EmailPreference.DigestScope.TREE,
    )
    url = url_for(person, Email.Kind.DIGEST)

    undo(client, url, unsubscribe(client, url))

    preference = EmailPreference.objects.get(user=person, kind=EmailPreference.DIGEST)
    assert (preference.cadence, preference.scope) == (
        Cadence.WEEKLY,
        EmailPreference.DigestScope.TREE,
    )


@pytest.mark.parametrize(
    "made_for",
    [
        {"other_person": True, "email_kind": Email.Kind.MENTION},
        {"other_person": False, "email_kind": Email.Kind.DIGEST},
    ],
)
def test_an_undo_made_for_another_link_changes_nothing(client, person, made_for):
    """The undo is signed for one person's link and kind of email, not another's."""
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)
    preference_set(user=person, kind=EmailPreference.DIGEST, cadence=Cadence.NEVER)
    signer = UserFactory() if made_for["other_person"] else person
    kind = EmailPreference.DIGEST if made_for["email_kind"] == Email.Kind.DIGEST else "mention"
    token = unsubscribe_undo_token(
        user=signer, email_kind=made_for["email_kind"], changes={kind: None}
    )

    response = client.post(url_for(person, Email.Kind.MENTION), {"action": "undo", "undo": token})

    assert response.status_code == 400
    assert set(EmailPreference.objects.filter(user=person).values_list("cadence", flat=True)) == {
        Cadence.NEVER
    }


@pytest.mark.parametrize("undo_value", ["", "nonsense", "forged"])
def test_a_missing_or_forged_undo_changes_nothing(client, person, undo_value):
    preference_set(user=person, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)
    if undo_value == "forged":
        undo_value = signing.dumps(
            {"u": person.pk, "k": "mention", "c": {"mention": None}}, compress=True
        )

    response = client.post(
        url_for(person, Email.Kind.MENTION), {"action": "undo", "undo": undo_value}
    )

    assert response.status_code == 400
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.NEVER


def test_a_summary_link_turns_off_every_kind_it_gathers(client, person):
    """Reactions and comments come in the daily summary by default: both are turned off."""
    response = unsubscribe(client, url_for(person, Email.Kind.DAILY_SUMMARY))

    assert cadence_for(user=person, kind=NotificationKind.REACTION) == Cadence.NEVER
    assert cadence_for(user=person, kind=NotificationKind.COMMENT) == Cadence.NEVER
    assert cadence_for(user=person, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    text = text_of(response)
    assert "You will no longer get a daily summary of these:" in text
    assert "Reactions to your wins" in text
    assert "Comments on your wins" in text


def test_a_summary_with_nothing_left_in_it_says_so(client, person):
    client.post(url_for(person, Email.Kind.WEEKLY_SUMMARY), ONE_CLICK)  # nothing weekly by default

    response = client.get(url_for(person, Email.Kind.WEEKLY_SUMMARY))

    assert "You get no weekly summary: nothing is set to arrive in it." in text_of(response)
    assert forms_in_page(response) == 0


def test_the_digest_link_turns_the_digest_off(client, person):
    url = url_for(person, Email.Kind.DIGEST)
    response = unsubscribe(client, url)

    assert cadence_for(user=person, kind=EmailPreference.DIGEST) == Cadence.NEVER
    assert "You will no longer get the weekly digest of your team's wins." in text_of(response)

    undo(client, url, response)

    assert cadence_for(user=person, kind=EmailPreference.DIGEST) == Cadence.WEEKLY
    assert not EmailPreference.objects.exists()  # back to the default, as before


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


@pytest.mark.parametrize("method", ["put", "head", "options", "delete"])
def test_only_get_and_post(client, person, method):
    assert getattr(client, method)(url_for(person, Email.Kind.MENTION)).status_code == 405
    assert not EmailPreference.objects.exists()


def test_a_language_the_reader_chose_wins(client, person):
    """The language switcher on the page works: its cookie beats the email's language."""
    person.language = "es"
    person.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(url_for(person, Email.Kind.MENTION))

    assert '<html lang="en">' in response.content.decode()


def test_the_question_speaks_the_language_of_the_email(client, person):
    person.language = "es"
    person.save(update_fields=["language"])

    response = client.get(url_for(person, Email.Kind.MENTION))

    text = text_of(response)
    assert "¿Darte de baja?" in text
    assert "¿Dejar de recibir un correo cada vez que haya algo de esto? Menciones" in text
    assert re.search(r">\s*Darse de baja\s*</button>", response.content.decode())


def test_the_question_is_what_the_button_is_described_by(client, person):
    """A screen reader announces the question with the button, and the page has one heading."""
    html = client.get(url_for(person, Email.Kind.MENTION)).content.decode()

    assert 'aria-describedby="unsubscribe-question"' in html
    assert 'id="unsubscribe-question"' in html
    assert len(re.findall(r"<h1\b", html)) == 1
    assert 'aria-labelledby="unsubscribe-title"' in html
