"""Outgoing mail in the admin: its state and errors visible, nothing edited by hand, a retry."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from accounts.models import EmailPreference
from feed.notifications import delivery, ledger
from feed.notifications.models import Email, Notification
from tests.factories import UserFactory, WinFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:feed_email_changelist"
LONG_ERROR = (
    "SMTPRecipientsRefused: {'nobody@example.com': (550, b'5.1.1 No such mailbox here, "
    "and this part of the error is too long for the list but is on the row page')}"
)


@pytest.fixture
def admin_client(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _email(*, email_address: str | None = None, **fields) -> Email:
    recipient = UserFactory(**({"email": email_address} if email_address else {}))
    kind = fields.pop("kind", Email.Kind.MENTION)
    period = fields.pop("period", "n1")
    return Email.objects.create(
        recipient=recipient,
        kind=kind,
        period=period,
        message_id=ledger.message_id_for(kind=kind, period=period, recipient_id=recipient.pk),
        **fields,
    )


def test_the_list_shows_state_attempts_and_the_start_of_the_error(admin_client):
    _email(
        email_address="nobody@example.com",
        state=Email.State.FAILED,
        attempts=6,
        last_error=LONG_ERROR,
    )
    _email(email_address="ana@example.com", state=Email.State.SENT, attempts=1)

    response = admin_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    page = response.text
    assert "nobody@example.com" in page
    assert "ana@example.com" in page
    assert "Failed" in page
    assert "SMTPRecipientsRefused" in page
    assert "on the row page" not in page  # an excerpt only
    row = next(r for r in response.context["cl"].result_list if r.state == Email.State.FAILED)
    assert row.attempts == 6


def test_the_row_page_shows_the_whole_error_and_no_form(admin_client):
    email = _email(state=Email.State.FAILED, attempts=6, last_error=LONG_ERROR)
    url = reverse("admin:feed_email_change", args=[email.pk])

    page = admin_client.get(url)

    assert page.status_code == 200
    assert "on the row page" in page.text
    assert email.message_id.replace("<", "&lt;").replace(">", "&gt;") in page.text
    assert 'name="state"' not in page.text
    assert 'name="_save"' not in page.text
    # Posting anyway changes nothing.
    assert admin_client.post(url, {"state": "sent"}).status_code == 403
    email.refresh_from_db()
    assert email.state == Email.State.FAILED


def test_rows_are_neither_added_nor_deleted_by_hand(admin_client):
    email = _email(state=Email.State.SENT)

    assert admin_client.get(reverse("admin:feed_email_add")).status_code == 403
    delete = reverse("admin:feed_email_delete", args=[email.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse(CHANGELIST))
    assert "delete_selected" not in changelist.text
    assert Email.objects.filter(pk=email.pk).exists()


def test_a_person_with_emails_can_still_be_deleted(admin_client):
    """A person's rows go with them: the person's admin may delete them."""
    email = _email(state=Email.State.SENT)
    person = email.recipient
    url = reverse("admin:accounts_user_delete", args=[person.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Email.objects.filter(pk=email.pk).exists()


def test_search_by_recipient_address_and_period(admin_client):
    _email(email_address="lucia@example.com", kind=Email.Kind.DIGEST, period="2026-W47")
    _email(email_address="tom@example.com", kind=Email.Kind.DIGEST, period="2026-W48")

    by_address = admin_client.get(reverse(CHANGELIST), {"q": "lucia@"})
    by_period = admin_client.get(reverse(CHANGELIST), {"q": "2026-W48"})

    assert [e.recipient.email for e in by_address.context["cl"].result_list] == [
        "lucia@example.com"
    ]
    assert [e.recipient.email for e in by_period.context["cl"].result_list] == ["tom@example.com"]


def test_filter_by_state_and_kind(admin_client):
    _email(email_address="a@example.com", state=Email.State.FAILED, kind=Email.Kind.DIGEST)
    _email(email_address="b@example.com", state=Email.State.SENT, kind=Email.Kind.DIGEST)
    _email(email_address="c@example.com", state=Email.State.FAILED, kind=Email.Kind.MENTION)

    response = admin_client.get(reverse(CHANGELIST), {"state__exact": "failed", "kind": "digest"})

    assert [e.recipient.email for e in response.context["cl"].result_list] == ["a@example.com"]


def test_retry_sends_failed_rows_again_and_says_so(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    """The action calls `emails_retry`: failed rows get new attempts (here sent at once,
    tasks being eager); a sent row is left alone, and the message says so."""
    monkeypatch.setattr(
        delivery,
        "email_message",
        lambda *, email: mail.EmailMessage("Hello", "Hi", to=[email.recipient.email]),
    )
    failed = _email(email_address="nobody@example.com", state=Email.State.FAILED, attempts=6)
    sent = _email(email_address="ana@example.com", state=Email.State.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(CHANGELIST),
            {"action": "retry", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 email will be sent again." in notes
    assert "1 email was left alone: only failed emails are retried." in notes
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.state, failed.attempts) == (Email.State.SENT, 1)
    assert (sent.state, sent.attempts) == (Email.State.SENT, 1)
    assert [m.to for m in mail.outbox] == [["nobody@example.com"]]


def test_employees_cannot_see_outgoing_mail(client):
    client.force_login(UserFactory())
    assert client.get(reverse(CHANGELIST)).status_code == 302


def test_notifications_and_preferences_are_searchable_and_read_only(admin_client):
    lucia = UserFactory(email="lucia@example.com")
    tom = UserFactory(email="tom@example.com")
    win = WinFactory(author=lucia)
    notification = Notification.objects.create(recipient=lucia, kind="reaction", actor=tom, win=win)
    preference = EmailPreference.objects.create(user=lucia, kind="mention", cadence="never")
    EmailPreference.objects.create(user=tom, kind="mention", cadence="daily")

    notifications = admin_client.get(reverse("admin:feed_notification_changelist"), {"q": "lucia@"})
    preferences = admin_client.get(
        reverse("admin:accounts_emailpreference_changelist"), {"q": "lucia@"}
    )

    assert list(notifications.context["cl"].result_list) == [notification]
    assert list(preferences.context["cl"].result_list) == [preference]
    for name, obj in (
        ("feed_notification", notification),
        ("accounts_emailpreference", preference),
    ):
        page = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert 'name="_save"' not in page.text
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
