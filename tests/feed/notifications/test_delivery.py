"""Email delivery in one process: rows, claims, attempts, backoff, the sweep and retry.

Tasks run eagerly and mail goes to Django's locmem outbox (or a backend below
that refuses some recipients). What each message says is `feed.notifications.emails`'
business: here a row becomes a plain message carrying its Message-ID, so these
tests are about delivery alone. The same guarantees against a real worker, Redis
and SMTP server are in tests/integration/test_email_delivery.py.
"""

from __future__ import annotations

import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from feed.notifications import delivery, ledger
from feed.notifications.models import Email
from feed.notifications.tasks import emails_send
from tests.conftest import require_postgresql
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Addresses the `RefusingBackend` answers with a permanent error, as a mail server would.
REFUSED: set[str] = set()
# Messages after which `BreakingBackend` loses its connection, as a mail server going away.
BREAK_AFTER: list[int] = []


class RefusingBackend(LocmemBackend):
    """locmem, but recipients in REFUSED get 550, like smtplib reports it."""

    def send_messages(self, messages):
        for message in messages:
            refused = {a: (550, b"5.1.1 No such mailbox") for a in message.to if a in REFUSED}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


class BreakingBackend(LocmemBackend):
    """locmem that drops the connection after BREAK_AFTER[0] messages."""

    def send_messages(self, messages):
        if len(mail.outbox) >= BREAK_AFTER[0]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def plain_messages(monkeypatch):
    """Each row becomes a short message with its headers, whatever its kind."""

    def build(*, email: Email) -> EmailMessage:
        return EmailMessage(
            subject=f"{email.kind} {email.period}",
            body="Hello",
            to=[email.recipient.email],
            headers={"Message-ID": email.message_id},
        )

    monkeypatch.setattr(delivery, "email_message", build)


@pytest.fixture(autouse=True)
def _delivery_settings(settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_SECONDS = 60.0
    settings.EMAIL_SENDING_LEASE_SECONDS = 600
    settings.EMAIL_SWEEP_GRACE_SECONDS = 120
    REFUSED.clear()
    BREAK_AFTER[:] = [0]


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple[list[int], float | None]]:
    """Instead of handing rows to a worker, note which ids were handed over, and when."""
    calls: list[tuple[list[int], float | None]] = []
    monkeypatch.setattr(
        delivery,
        "emails_enqueue",
        lambda *, ids, countdown=None: calls.append((list(ids), countdown)),
    )
    return calls


def _email(**fields) -> Email:
    recipient = fields.pop("recipient", None) or UserFactory()
    kind = fields.pop("kind", Email.Kind.MENTION)
    period = fields.pop("period", f"n{Email.objects.count() + 1}")
    return Email.objects.create(
        recipient=recipient,
        kind=kind,
        period=period,
        message_id=ledger.message_id_for(kind=kind, period=period, recipient_id=recipient.pk),
        **fields,
    )


def _due_now(*emails: Email) -> None:
    """Time passes: the rows' next attempt has come."""
    Email.objects.filter(pk__in=[e.pk for e in emails]).update(next_attempt_at=timezone.now())


# --------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------
def test_recording_twice_keeps_one_row(django_capture_on_commit_callbacks):
    """The second record of the same recipient, kind and period is refused: None, no row."""
    person = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        first = ledger.email_record(recipient=person, kind="digest", period="2026-W47")
        second = ledger.email_record(recipient=person, kind="digest", period="2026-W47")

    assert first is not None
    assert second is None
    assert Email.objects.filter(recipient=person).count() == 1
    assert len(callbacks) == 1  # handed to a worker once, after the commit
    assert first.state == Email.State.PENDING
    assert first.message_id == ledger.message_id_for(
        kind="digest", period="2026-W47", recipient_id=person.pk
    )


def test_a_recorded_email_is_sent_after_the_commit(django_capture_on_commit_callbacks):
    """Nothing is sent inside the transaction; after it, the row is sent and marked."""
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = ledger.email_record(recipient=person, kind="mention", period="n1")
        assert mail.outbox == []

    email.refresh_from_db()
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert email.state == Email.State.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.subject == "mention n1"
    assert email.queued_at is not None
    assert email.claimed_by == ""


def test_a_broker_that_is_down_does_not_undo_the_cause(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Publishing fails after the commit: the row stays, waiting, and the sweep hands it over."""

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(emails_send, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = ledger.email_record(recipient=UserFactory(), kind="mention", period="n1")

    email.refresh_from_db()
    assert email.state == Email.State.PENDING
    assert email.queued_at is None

    handed: list[list[int]] = []
    monkeypatch.setattr(
        delivery, "emails_enqueue", lambda *, ids, countdown=None: handed.append(ids)
    )
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=3))
    delivery.emails_sweep()
    assert handed == [[email.pk]]


def test_message_ids_are_deterministic(settings):
    """One Message-ID per recipient, kind and period, at the sender's domain."""
    settings.DEFAULT_FROM_EMAIL = "Wins <wins@corp.example>"
    first = ledger.message_id_for(kind="digest", period="2026-W47", recipient_id=7)

    assert first == ledger.message_id_for(kind="digest", period="2026-W47", recipient_id=7)
    assert first == "<wins.digest.2026-W47.7@corp.example>"
    others = {
        ledger.message_id_for(kind="digest", period="2026-W48", recipient_id=7),
        ledger.message_id_for(kind="weekly", period="2026-W47", recipient_id=7),
        ledger.message_id_for(kind="digest", period="2026-W47", recipient_id=8),
    }
    assert first not in others
    assert len(others) == 3
    odd = ledger.message_id_for(kind="mention", period="n1 <x>@y", recipient_id=1)
    assert odd == "<wins.mention.n1--x--y.1@corp.example>"


# --------------------------------------------------------------------------
# Sending and claiming
# --------------------------------------------------------------------------
def test_sending_twice_sends_once():
    """A batch handed over twice (a redelivered task, the sweep) sends each row once."""
    emails = [_email() for _ in range(3)]
    ids = [e.pk for e in emails]

    first = delivery.emails_send(ids=ids, claimer="task-1")
    second = delivery.emails_send(ids=ids, claimer="task-2")

    assert first["sent"] == 3
    assert second == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "not_due": 3}
    assert len(mail.outbox) == 3
    assert set(Email.objects.values_list("state", flat=True)) == {Email.State.SENT}


def test_a_row_another_worker_is_sending_is_left_alone():
    """`sending`, claimed by another task within its lease: not sent, not touched."""
    claimed_at = timezone.now() - timedelta(seconds=30)
    email = _email(state=Email.State.SENDING, claimed_by="other", claimed_at=claimed_at, attempts=1)

    counts = delivery.emails_send(ids=[email.pk], claimer="me")

    email.refresh_from_db()
    assert counts["not_due"] == 1
    assert mail.outbox == []
    assert (email.state, email.claimed_by, email.attempts) == (Email.State.SENDING, "other", 1)


def test_a_row_whose_lease_ran_out_is_taken_over(settings):
    """A worker that died left the row `sending`: after the lease anyone may send it."""
    lease = timedelta(seconds=settings.EMAIL_SENDING_LEASE_SECONDS)
    email = _email(
        state=Email.State.SENDING,
        claimed_by="dead",
        claimed_at=timezone.now() - lease - timedelta(seconds=1),
        attempts=1,
    )

    counts = delivery.emails_send(ids=[email.pk], claimer="me")

    email.refresh_from_db()
    assert counts["sent"] == 1
    assert (email.state, email.attempts) == (Email.State.SENT, 2)


def test_the_same_task_delivered_again_takes_its_row_back_at_once():
    """A redelivered task (its worker was killed) resumes the row it had claimed."""
    email = _email(
        state=Email.State.SENDING, claimed_by="task-1", claimed_at=timezone.now(), attempts=1
    )

    counts = delivery.emails_send(ids=[email.pk], claimer="task-1")

    email.refresh_from_db()
    assert counts["sent"] == 1
    assert (email.state, email.attempts) == (Email.State.SENT, 2)


def test_rows_not_due_yet_failed_or_skipped_are_not_sent():
    later = timezone.now() + timedelta(minutes=5)
    emails = [
        _email(next_attempt_at=later),
        _email(state=Email.State.FAILED),
        _email(state=Email.State.SKIPPED),
        _email(state=Email.State.SENT),
    ]

    counts = delivery.emails_send(ids=[e.pk for e in emails], claimer="me")

    assert counts["not_due"] == 4
    assert mail.outbox == []


def test_a_message_no_longer_wanted_is_skipped(monkeypatch):
    monkeypatch.setattr(delivery, "email_message", lambda *, email: None)
    email = _email()

    counts = delivery.emails_send(ids=[email.pk], claimer="me")

    email.refresh_from_db()
    assert counts["skipped"] == 1
    assert email.state == Email.State.SKIPPED
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_another_claimer_is_skipped_without_waiting():
    """`select_for_update(skip_locked=True)`: a row another transaction holds is passed
    over at once, and the rest of the batch is sent."""
    require_postgresql()
    locked, free = _email(), _email()
    holding, done = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                Email.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    def send() -> dict[str, int]:
        try:
            return delivery.emails_send(ids=[locked.pk, free.pk], claimer="me")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(hold_lock)
        assert holding.wait(timeout=10)
        counts = pool.submit(send).result(timeout=10)  # would time out if it waited
        done.set()
        holder.result(timeout=10)

    assert counts["sent"] == 1
    assert counts["not_due"] == 1
    assert [m.to for m in mail.outbox] == [[free.recipient.email]]
    locked.refresh_from_db()
    assert (locked.state, locked.attempts) == (Email.State.PENDING, 0)


# --------------------------------------------------------------------------
# Failures, backoff and the attempt cap
# --------------------------------------------------------------------------
def test_retry_delay_doubles_from_the_base_and_is_capped_at_a_day(settings):
    settings.EMAIL_RETRY_SECONDS = 60.0

    delays = [delivery.retry_delay(n).total_seconds() for n in (0, 1, 2, 3, 4, 5)]

    assert delays == [60, 60, 120, 240, 480, 960]
    assert delivery.retry_delay(30) == timedelta(days=1)


def test_a_refused_message_waits_for_its_next_attempt(
    settings, enqueued, django_capture_on_commit_callbacks
):
    """A 550 for one message records the error and schedules it with backoff."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    REFUSED.add("nobody@example.com")
    email = _email(recipient=UserFactory(email="nobody@example.com"))

    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        counts = delivery.emails_send(ids=[email.pk], claimer="me")

    email.refresh_from_db()
    assert counts["retry"] == 1
    assert email.state == Email.State.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("SMTPRecipientsRefused:")
    assert "No such mailbox" in email.last_error
    wait = email.next_attempt_at - before
    assert timedelta(seconds=59) < wait < timedelta(seconds=62)
    assert enqueued == [([email.pk], 60.0)]  # its own task, at its time

    # Asked again before its time, it is not sent.
    assert delivery.emails_send(ids=[email.pk], claimer="other")["not_due"] == 1


def test_backoff_holds_for_another_task_even_when_it_is_short(settings, enqueued):
    """A task that starts a little early may send a row due soon, but never one that
    has just failed: with a backoff of a second, a second task handed the same row
    (the sweep, a redelivery) leaves it alone until its time."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    settings.EMAIL_RETRY_SECONDS = 1.0
    REFUSED.add("nobody@example.com")
    email = _email(recipient=UserFactory(email="nobody@example.com"))

    delivery.emails_send(ids=[email.pk], claimer="task-1")
    again = delivery.emails_send(ids=[email.pk], claimer="task-2")

    email.refresh_from_db()
    assert again["not_due"] == 1
    assert email.attempts == 1


def test_a_message_that_keeps_failing_ends_failed_and_blocks_nobody(settings, enqueued):
    """After EMAIL_MAX_ATTEMPTS the row is `failed` with its error; the others in its
    batch were sent the first time, once."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    REFUSED.add("nobody@example.com")
    bad = _email(recipient=UserFactory(email="nobody@example.com"))
    good = [_email() for _ in range(2)]
    ids = [bad.pk, *(e.pk for e in good)]

    outcomes = []
    for _attempt in range(settings.EMAIL_MAX_ATTEMPTS + 1):
        outcomes.append(delivery.emails_send(ids=ids, claimer="me"))
        _due_now(bad)

    bad.refresh_from_db()
    assert [o["retry"] for o in outcomes] == [1, 1, 0, 0]
    assert [o["failed"] for o in outcomes] == [0, 0, 1, 0]
    assert bad.state == Email.State.FAILED
    assert bad.attempts == settings.EMAIL_MAX_ATTEMPTS
    assert "SMTPRecipientsRefused" in bad.last_error
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.recipient.email for e in good)
    assert set(
        Email.objects.filter(pk__in=[e.pk for e in good]).values_list("state", flat=True)
    ) == {Email.State.SENT}


def test_a_lost_connection_stops_the_batch_and_hands_the_rest_over(
    settings, enqueued, django_capture_on_commit_callbacks
):
    """The row that hit a broken connection is retried with backoff; the rows after
    it were not tried (no attempt counted) and are handed over again."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BreakingBackend"}}
    BREAK_AFTER[:] = [1]
    first, second, third = _email(), _email(), _email()

    with django_capture_on_commit_callbacks(execute=True):
        counts = delivery.emails_send(ids=[first.pk, second.pk, third.pk], claimer="me")

    assert counts == {"sent": 1, "retry": 1, "failed": 0, "skipped": 0, "not_due": 0}
    for email in (first, second, third):
        email.refresh_from_db()
    assert first.state == Email.State.SENT
    assert (second.state, second.attempts) == (Email.State.PENDING, 1)
    assert "SMTPServerDisconnected" in second.last_error
    assert (third.state, third.attempts) == (Email.State.PENDING, 0)
    # Both at the retried row's time: the connection is likely down for all of them.
    assert sorted(ids for ids, _countdown in enqueued) == [[second.pk], [third.pk]]
    assert all(59 < countdown <= 60 for _ids, countdown in enqueued)


def test_a_row_the_worker_died_on_too_often_fails():
    """A row reclaimed with no attempts left is failed, not sent a last time."""
    email = _email(
        state=Email.State.SENDING, claimed_by="task-1", claimed_at=timezone.now(), attempts=3
    )

    counts = delivery.emails_send(ids=[email.pk], claimer="task-1")

    email.refresh_from_db()
    assert counts["not_due"] == 1
    assert email.state == Email.State.FAILED
    assert "worker stopped" in email.last_error
    assert mail.outbox == []


# --------------------------------------------------------------------------
# The sweep
# --------------------------------------------------------------------------
def test_the_sweep_takes_back_abandoned_rows_and_hands_over_waiting_ones(settings, enqueued):
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_SENDING_LEASE_SECONDS)
    grace = timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS)
    abandoned = _email(
        state=Email.State.SENDING, claimed_by="dead", claimed_at=now - lease * 2, attempts=1
    )
    worn_out = _email(
        state=Email.State.SENDING, claimed_by="dead", claimed_at=now - lease * 2, attempts=3
    )
    in_flight = _email(state=Email.State.SENDING, claimed_by="alive", claimed_at=now, attempts=1)
    forgotten = _email(next_attempt_at=now - grace * 2)  # its task never reached a worker
    just_recorded = _email(next_attempt_at=now)  # its task is surely still on its way
    backing_off = _email(next_attempt_at=now + timedelta(minutes=5), attempts=1)
    sent = _email(state=Email.State.SENT, next_attempt_at=now - grace * 2)
    failed = _email(state=Email.State.FAILED, next_attempt_at=now - grace * 2)

    result = delivery.emails_sweep()

    assert result == {"failed": 1, "taken_back": 1, "queued": 1}
    assert enqueued == [([abandoned.pk, forgotten.pk], None)]
    states = dict(Email.objects.values_list("pk", "state"))
    assert states[abandoned.pk] == Email.State.PENDING
    assert states[worn_out.pk] == Email.State.FAILED
    assert states[in_flight.pk] == Email.State.SENDING
    assert states[forgotten.pk] == states[just_recorded.pk] == Email.State.PENDING
    assert states[backing_off.pk] == Email.State.PENDING
    assert (states[sent.pk], states[failed.pk]) == (Email.State.SENT, Email.State.FAILED)
    abandoned.refresh_from_db()
    assert abandoned.claimed_by == ""
    assert abandoned.attempts == 1  # the attempt the dead worker made still counts
    worn_out.refresh_from_db()
    assert "worker stopped" in worn_out.last_error


def test_the_sweep_then_the_worker_send_what_was_abandoned():
    """End to end in one process: a row a dead worker left is sent once after the sweep."""
    email = _email(
        state=Email.State.SENDING,
        claimed_by="dead",
        claimed_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )

    delivery.emails_sweep()  # eager: the task runs at once
    delivery.emails_sweep()

    email.refresh_from_db()
    assert email.state == Email.State.SENT
    assert len(mail.outbox) == 1


@pytest.fixture
def published(monkeypatch) -> list[list[int]]:
    """The batches handed to the broker, which no worker picks up (rows are stamped
    `queued_at` as they would be)."""
    batches: list[list[int]] = []
    monkeypatch.setattr(
        emails_send, "apply_async", lambda args, countdown=None: batches.append(args[0])
    )
    return batches


def test_a_row_handed_over_is_not_handed_over_again_within_the_grace(settings, published):
    """A backlog behind busy workers is not queued again at every sweep, only once
    the grace has passed since it was last handed over."""
    now = timezone.now()
    grace = timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS)
    waiting = _email(next_attempt_at=now - grace * 3, queued_at=now - grace / 2)
    forgotten = _email(next_attempt_at=now - grace * 3, queued_at=now - grace * 2)

    assert delivery.emails_sweep()["queued"] == 1
    assert delivery.emails_sweep()["queued"] == 0
    assert published == [[forgotten.pk]]
    Email.objects.filter(pk=waiting.pk).update(queued_at=now - grace * 2)
    assert delivery.emails_sweep()["queued"] == 1
    assert published[-1] == [waiting.pk]


def sweep_emails(*args: str) -> str:
    out = StringIO()
    call_command("sweep_emails", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def left_behind(settings) -> tuple[Email, Email]:
    """A row a dead worker left `sending`, and one whose task never reached a worker."""
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_SENDING_LEASE_SECONDS)
    grace = timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS)
    abandoned = _email(
        state=Email.State.SENDING, claimed_by="dead", claimed_at=now - lease * 2, attempts=1
    )
    forgotten = _email(next_attempt_at=now - grace * 2)
    return abandoned, forgotten


def test_sweep_emails_hands_over_what_waited_and_it_is_sent_once(left_behind):
    """`manage.py sweep_emails`: the beat sweep by hand; the workers (eager here) send
    both rows, and a second run finds nothing to do."""
    first = sweep_emails()
    second = sweep_emails()

    assert "Done: 1 abandoned taken back, 0 failed for good, 1 waiting handed to the workers" in (
        first
    )
    assert "Done: 0 abandoned taken back, 0 failed for good, 0 waiting handed to the workers" in (
        second
    )
    states = set(Email.objects.filter(pk__in=[e.pk for e in left_behind]).values_list("state"))
    assert states == {(Email.State.SENT,)}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.recipient.email for e in left_behind)


def test_sweep_emails_twice_hands_each_row_over_once(left_behind, published):
    """With workers slow to pick them up, running it again right away queues nothing twice."""
    abandoned, forgotten = left_behind
    sweep_emails()
    second = sweep_emails()

    assert published == [[abandoned.pk, forgotten.pk]]
    assert "0 waiting handed to the workers" in second


def test_sweep_emails_dry_run_counts_and_changes_nothing(left_behind, enqueued, settings):
    worn_out = _email(
        state=Email.State.SENDING,
        claimed_by="dead",
        claimed_at=timezone.now() - timedelta(hours=1),
        attempts=settings.EMAIL_MAX_ATTEMPTS,
    )
    before = list(Email.objects.order_by("pk").values())

    output = sweep_emails("--dry-run")

    assert (
        "Dry run: 1 abandoned would be taken back, 1 would fail for good, 1 waiting would be "
        "handed to the workers"
    ) in output
    assert list(Email.objects.order_by("pk").values()) == before
    assert worn_out.pk in [row["id"] for row in before]
    assert enqueued == []
    assert mail.outbox == []


def test_sweep_emails_says_so_when_the_broker_is_down(left_behind, monkeypatch):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(emails_send, "apply_async", broker_down)
    with pytest.raises(CommandError, match="The Celery broker did not answer"):
        sweep_emails()
    abandoned, _forgotten = left_behind
    abandoned.refresh_from_db()
    assert abandoned.state == Email.State.PENDING  # taken back: the next sweep hands it over


# --------------------------------------------------------------------------
# Retrying by hand
# --------------------------------------------------------------------------
def test_retry_gives_failed_rows_new_attempts_and_leaves_the_others(
    django_capture_on_commit_callbacks,
):
    failed = _email(state=Email.State.FAILED, attempts=3, last_error="SMTPDataError: 554")
    sent = _email(state=Email.State.SENT, attempts=1)
    pending = _email(next_attempt_at=timezone.now() + timedelta(hours=1), attempts=1)
    sending = _email(state=Email.State.SENDING, claimed_by="t", claimed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        count = delivery.emails_retry(ids=[failed.pk, sent.pk, pending.pk, sending.pk])

    assert count == 1
    failed.refresh_from_db()
    assert failed.state == Email.State.SENT  # handed over after the commit, and sent
    assert failed.attempts == 1
    assert [m.to for m in mail.outbox] == [[failed.recipient.email]]
    states = dict(Email.objects.values_list("pk", "state"))
    assert states[sent.pk] == Email.State.SENT
    assert states[pending.pk] == Email.State.PENDING
    assert states[sending.pk] == Email.State.SENDING
    assert Email.objects.get(pk=pending.pk).attempts == 1


def test_retry_of_nothing_failed_does_nothing(django_capture_on_commit_callbacks):
    sent = _email(state=Email.State.SENT)

    with django_capture_on_commit_callbacks() as callbacks:
        assert delivery.emails_retry(ids=[sent.pk]) == 0

    assert callbacks == []
