"""Asking for consent tells each person at once: in the bell and by email."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Cadence, NotificationKind
from feed.highlights import services as highlights
from feed.highlights.consents import consent_request
from feed.notifications.emails import message_build
from feed.notifications.models import Email, Notification
from feed.notifications.services import notifications_muted, preference_set
from tests.factories import WinFactory

pytestmark = pytest.mark.django_db


def test_each_person_is_notified_and_emailed_at_once(draft, comms, author, credited):
    consents = consent_request(highlight=draft, by=comms)
    for consent in consents:
        notification = Notification.objects.get(recipient=consent.person, kind="consent")
        assert (notification.actor, notification.win) == (comms, draft.win)
        email = Email.objects.get(recipient=consent.person, kind="consent")
        assert email.period == f"c{consent.pk}"
        assert email.notification == notification


def test_the_email_speaks_the_recipients_language_with_one_click_unsubscribe(
    draft, comms, author, settings
):
    author.language = "es"
    author.save(update_fields=["language"])
    consent_request(highlight=draft, by=comms)
    email = Email.objects.get(recipient=author, kind="consent")
    message = message_build(email=email)
    assert message is not None
    assert "te pide permiso para publicar tu logro" in message.subject
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The message links to the person's consent page (tests/feed/highlights/test_consent_page.py).
    consent = draft.consents.get(person=author)
    assert settings.SITE_URL + f"/wins/consent/{consent.pk}/" in message.body


def test_the_email_is_sent_by_the_worker(draft, comms, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consent_request(highlight=draft, by=comms)
    assert {m.to[0] for m in mail.outbox} >= {author.email}
    assert Email.objects.filter(kind="consent", state="sent").count() == 2


def test_preferences_are_respected(draft, comms, author):
    preference_set(user=author, kind=NotificationKind.CONSENT, cadence=Cadence.NEVER)
    consent_request(highlight=draft, by=comms)
    assert Notification.objects.filter(recipient=author, kind="consent").exists()
    assert not Email.objects.filter(recipient=author, kind="consent").exists()


def test_muted_history_tells_nobody(draft, comms):
    with notifications_muted():
        consent_request(highlight=draft, by=comms)
    assert not Notification.objects.filter(kind="consent").exists()
    assert not Email.objects.filter(kind="consent").exists()


def test_comms_asking_about_their_own_win_is_still_told(comms):

    win = WinFactory(author=comms)
    highlight = highlights.highlight_propose(win=win, by=comms)
    consent_request(highlight=highlight, by=comms)
    assert Email.objects.filter(recipient=comms, kind="consent").exists()
