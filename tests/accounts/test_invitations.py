"""Invitations go through the email ledger: one row per person, sent once.

`import_people` records the invitation of each person it creates in the same
transaction (`feed.notifications.invitations`); the ledger
(`feed.notifications.delivery`) sends each row
once, whatever runs twice, and skips the people who joined before it went out.
The invitation's link and wording are tested in test_import_people.py.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from feed.notifications import delivery
from feed.notifications.models import Email
from feed.notifications.tasks import emails_send, invitation_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,name,team,manager_email\n"


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def _import(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_people", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _invitations() -> list[tuple[str, str, str]]:
    return sorted(
        Email.objects.filter(kind=Email.Kind.INVITATION).values_list(
            "recipient__email", "period", "state"
        )
    )


def test_each_new_person_gets_one_row_and_one_email_however_often_the_file_is_imported(
    tmp_path, django_capture_on_commit_callbacks
):
    """Two runs of the same file: one invitation row and one message per new person,
    none for the person who was already in Wins."""
    UserFactory(email="existing@example.com")
    path = _file(
        tmp_path,
        "existing@example.com,Existing Person,,\n"
        "ana@example.com,Ana Gil,Sales,\n"
        "bea@example.com,Bea Ruiz,Sales,\n",
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = _import(path)
    with django_capture_on_commit_callbacks(execute=True):
        second = _import(path)

    assert "2 invitations recorded" in first
    assert "0 invitations recorded" in second
    assert _invitations() == [
        ("ana@example.com", "joining", "sent"),
        ("bea@example.com", "joining", "sent"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.com",
        "bea@example.com",
    ]


def test_the_invitation_carries_the_ledgers_message_id_and_no_unsubscribe(
    tmp_path, django_capture_on_commit_callbacks
):
    """Like a password reset, an invitation is a one-off: nothing to unsubscribe from."""
    with django_capture_on_commit_callbacks(execute=True):
        _import(_file(tmp_path, "ana@example.com,Ana Gil,,\n"))

    ana = User.objects.get(email="ana@example.com")
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<wins.invitation.joining.{ana.pk}@example.com>"
    assert "List-Unsubscribe" not in message.extra_headers
    assert "/accounts/password/reset/key/" in message.body
    assert "unsubscribe" not in message.body.lower()


def test_the_row_is_written_in_the_transaction_of_the_import(
    tmp_path, django_capture_on_commit_callbacks
):
    """Before anything runs after the commit, the row is there, waiting to be handed over."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _import(_file(tmp_path, "ana@example.com,Ana Gil,,\n"))

    email = Email.objects.get(kind=Email.Kind.INVITATION)
    assert (email.state, email.queued_at) == (Email.State.PENDING, None)
    assert len(callbacks) == 1  # the hand-over to a worker
    assert mail.outbox == []


def test_a_dry_run_or_a_rejected_file_records_no_invitation(tmp_path):
    _import(_file(tmp_path, "ana@example.com,Ana Gil,,\n"), "--dry-run")
    with pytest.raises(CommandError):
        _import(_file(tmp_path, "ana@example.com,Ana Gil,,\nnot-an-address,Nobody,,\n"))

    assert _invitations() == []
    assert not User.objects.filter(email="ana@example.com").exists()


def test_a_task_delivered_twice_sends_once(tmp_path, django_capture_on_commit_callbacks):
    """The same batch handed over twice (the sweep and a redelivery), and the same
    task delivered again after its worker died mid-send: one message."""
    with django_capture_on_commit_callbacks(execute=False):
        _import(_file(tmp_path, "ana@example.com,Ana Gil,,\n"))
    ids = list(Email.objects.values_list("pk", flat=True))

    # The worker that claimed the row died before sending it.
    Email.objects.filter(pk__in=ids).update(
        state=Email.State.SENDING, attempts=1, claimed_by="task-1", claimed_at=timezone.now()
    )
    assert delivery.emails_send(ids=ids, claimer="task-2") == {
        "sent": 0, "retry": 0, "failed": 0, "skipped": 0, "not_due": 1,
    }  # fmt: skip
    assert delivery.emails_send(ids=ids, claimer="task-1")["sent"] == 1  # redelivered
    assert delivery.emails_send(ids=ids, claimer="task-1")["sent"] == 0  # and again
    emails_send.apply(args=[ids])

    assert [message.to for message in mail.outbox] == [["ana@example.com"]]
    assert Email.objects.get().state == Email.State.SENT


@pytest.mark.parametrize("joined", ["chose a password", "signed in", "left"])
def test_nothing_goes_to_someone_who_joined_before_it_was_sent(
    tmp_path, django_capture_on_commit_callbacks, joined
):
    """The message is built when a worker sends it: a person who has a password,
    has signed in (by single sign-on, say) or was deactivated meanwhile gets
    nothing, and the row says it was not needed."""
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        _import(_file(tmp_path, "ana@example.com,Ana Gil,,\n"))
    ana = User.objects.get(email="ana@example.com")
    if joined == "chose a password":
        ana.set_password("a-Brand-new-passw0rd")
    elif joined == "signed in":
        ana.last_login = timezone.now()
    else:
        ana.is_active = False
    ana.save()

    for callback in handed_over:
        callback()

    assert mail.outbox == []
    assert Email.objects.get().state == Email.State.SKIPPED


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_loses_no_one(tmp_path, monkeypatch, settings):
    """The import succeeds and its rows wait; once the broker is back, the sweep
    hands them over and each person gets their invitation, once."""
    settings.EMAIL_SWEEP_GRACE_SECONDS = 120

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(emails_send, "apply_async", broker_down)
        out = _import(_file(tmp_path, "ana@example.com,Ana Gil,,\nbea@example.com,Bea Ruiz,,\n"))

    assert "2 created" in out
    assert [state for _email, _period, state in _invitations()] == ["pending", "pending"]
    assert mail.outbox == []

    Email.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert delivery.emails_sweep()["queued"] == 2
    delivery.emails_sweep()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.com",
        "bea@example.com",
    ]


def test_a_task_queued_before_the_ledger_still_invites_once(django_capture_on_commit_callbacks):
    """A message of the old `accounts.invitation_send` task, left in the broker
    by the previous release, records one invitation in the ledger, which sends it."""
    person = UserFactory(password=None, last_login=None)
    person.set_unusable_password()
    person.save()

    with django_capture_on_commit_callbacks(execute=True):
        invitation_send.delay(person.pk)
        invitation_send.delay(person.pk)

    assert Email.objects.filter(recipient=person, kind=Email.Kind.INVITATION).count() == 1
    assert [message.to for message in mail.outbox] == [[person.email]]
