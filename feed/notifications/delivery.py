"""
Email delivery: every message is a row first (`feed.notifications.ledger`),
and a row is sent once.

After the commit that recorded them, rows are handed to Celery in batches; a
broker that is down cannot fail the request, because `emails_sweep` (every
minute, from beat) hands over what was left waiting.

`emails_send` sends one batch over one connection of the default mailer
(`MAILERS`). Each row is claimed with `select_for_update(skip_locked=True)`,
counted as an attempt, sent, and marked sent in its own transaction, so a
worker killed in the middle of a batch leaves at most one row `sending`: the
same task, delivered again (`acks_late`, `task_reject_on_worker_lost`),
takes it back at once, and the sweep takes back rows whose lease ran out.
A row that fails is retried with exponential backoff until
`EMAIL_MAX_ATTEMPTS`, then it is `failed`, visible with its error in the
admin, and blocks nobody else.

The one case left is a worker killed between the mail server's "250 OK" and
the commit that follows: the message goes out again, with the same
deterministic `Message-ID`, so mail clients and the tests can tell.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from feed.notifications.emails import message_build
from feed.notifications.ledger import BATCH_SIZE, emails_enqueue
from feed.notifications.models import Email

logger = logging.getLogger(__name__)

# A task may start a little before its countdown says: rows due this soon count as due
# (at most half the shortest backoff, see `_early_tolerance`).
EARLY_TOLERANCE = timedelta(seconds=5)
# Rows one sweep hands over at most; the next sweep takes the rest.
SWEEP_LIMIT = BATCH_SIZE * 20
# Errors about one message: the connection is still good for the others.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


def emails_send(*, ids: Sequence[int], claimer: str) -> dict[str, int]:
    """Send the due rows among `ids` over one connection; returns counts by outcome.

    `claimer` names this attempt (the Celery task id): a row this same task
    claimed before its worker died is taken back at once. Rows sent, failed,
    skipped, not due or claimed by another worker are left alone, so running
    this twice sends nothing twice. A connection that breaks stops the batch:
    the row that hit it is retried with backoff and the rest are handed over
    again at the same time.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "not_due": 0}
    pending = list(dict.fromkeys(ids))
    connection = mailers.default
    try:
        while pending:
            pk = pending.pop(0)
            email = _claim(pk=pk, claimer=claimer)
            if email is None:
                counts["not_due"] += 1
                continue
            try:
                message = email_message(email=email)
                if message is None:
                    _finish(email, state=Email.State.SKIPPED)
                    counts["skipped"] += 1
                    continue
                connection.open()  # once: later calls see the connection is open
                connection.send_messages([message])
            except MESSAGE_ERRORS as error:
                counts[_retry_later(email, error)] += 1
            except (smtplib.SMTPException, OSError) as error:
                counts[_retry_later(email, error)] += 1
                if pending:
                    delay = (email.next_attempt_at - timezone.now()).total_seconds()
                    emails_enqueue(ids=pending, countdown=max(1.0, delay))
                break
            except Exception as error:  # a bug in one message must not stop the others
                logger.exception("Could not build email %s", email.pk)
                counts[_retry_later(email, error)] += 1
            else:
                _finish(email, state=Email.State.SENT, subject=message.subject)
                counts["sent"] += 1
    finally:
        connection.close()
    return counts


def emails_send_here(*, ids: Sequence[int], claimer: str) -> Counter:
    """Send the due rows among `ids` in this process, `BATCH_SIZE` per connection,
    as the workers would (`emails_send`); returns the counts by outcome, added up.

    For commands run by hand (`send_digests`, `send_candidates`) that send what
    they recorded without waiting for a worker. Same guarantees as `emails_send`:
    a row already sent, or claimed by a worker, is not sent again.
    """
    outcomes: Counter = Counter()
    ids = list(ids)
    for start in range(0, len(ids), BATCH_SIZE):
        outcomes.update(emails_send(ids=ids[start : start + BATCH_SIZE], claimer=claimer))
    return outcomes


def _claim(*, pk: int, claimer: str) -> Email | None:
    """Lock the row, check it is due and ours to send, count the attempt."""
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_SENDING_LEASE_SECONDS)
    with transaction.atomic():
        email = (
            Email.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=pk)
            .filter(
                Q(state=Email.State.PENDING, next_attempt_at__lte=now + _early_tolerance())
                | Q(state=Email.State.SENDING, claimed_by=claimer)
                | Q(state=Email.State.SENDING, claimed_at__lt=now - lease)
            )
            .first()
        )
        if email is None:
            return None
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.state = Email.State.FAILED
            email.last_error = (
                email.last_error or "The worker stopped while sending it, too many times."
            )
            email.save(update_fields=["state", "last_error"])
            return None
        email.state = Email.State.SENDING
        email.attempts += 1
        email.claimed_by = claimer[:64]
        email.claimed_at = now
        email.save(update_fields=["state", "attempts", "claimed_by", "claimed_at"])
    return email


def _early_tolerance() -> timedelta:
    """How early a row counts as due: less than the shortest backoff, or another task
    handed the same row (the sweep, a redelivery) would retry it as soon as it failed."""
    return min(EARLY_TOLERANCE, timedelta(seconds=settings.EMAIL_RETRY_SECONDS / 2))


def _finish(email: Email, *, state: str, subject: str = "") -> None:
    email.state = state
    email.sent_at = timezone.now() if state == Email.State.SENT else None
    email.subject = subject[:300]
    email.claimed_by = ""
    email.save(update_fields=["state", "sent_at", "subject", "claimed_by"])


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base, doubled after each attempt, capped at a day."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, 24 * 60 * 60))


def _retry_later(email: Email, error: BaseException) -> str:
    """Record the error; the row waits for its next attempt, or has failed for good."""
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.claimed_by = ""
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        email.state = Email.State.FAILED
        outcome = "failed"
    else:
        email.state = Email.State.PENDING
        email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        outcome = "retry"
    email.save(update_fields=["state", "last_error", "claimed_by", "next_attempt_at"])
    logger.warning("Email %s (%s): %s", email.pk, outcome, email.last_error)
    if outcome == "retry":
        delay = retry_delay(email.attempts).total_seconds()
        transaction.on_commit(partial(emails_enqueue, ids=[email.pk], countdown=delay), robust=True)
    return outcome


def emails_sweep(*, dry_run: bool = False) -> dict[str, int]:
    """Take back what was abandoned and hand over what waited too long.

    Rows `sending` for longer than the lease (their worker died and its task
    was lost) wait again, or fail when out of attempts. Pending rows due for
    longer than `EMAIL_SWEEP_GRACE_SECONDS` (never handed over because the
    broker was down, or their task was lost) are handed over again, at most
    once per grace period: a row handed over less than that ago is still on its
    way (a backlog behind busy workers is not queued again at every sweep).
    Safe to run at any time and as often as wanted: sending claims each row,
    and a second run right after the first hands over nothing. With `dry_run`
    nothing is written or handed over: the counts say what would be. Returns
    counts: `failed`, `taken_back`, `queued`. A broker that is down raises
    (kombu's `OperationalError`) after the rows were taken back.
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_SENDING_LEASE_SECONDS)
    grace = timedelta(seconds=settings.EMAIL_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        abandoned = Email.objects.select_for_update(skip_locked=True).filter(
            state=Email.State.SENDING, claimed_at__lt=now - lease
        )
        worn_out = abandoned.filter(attempts__gte=settings.EMAIL_MAX_ATTEMPTS)
        if dry_run:
            given_up = worn_out.count()
        else:
            given_up = worn_out.update(
                state=Email.State.FAILED,
                claimed_by="",
                last_error="The worker stopped while sending it, too many times.",
            )
        taken_back = list(
            abandoned.exclude(attempts__gte=settings.EMAIL_MAX_ATTEMPTS).values_list(
                "pk", flat=True
            )
        )
        if not dry_run:
            Email.objects.filter(pk__in=taken_back).update(
                state=Email.State.PENDING, claimed_by="", next_attempt_at=now
            )
    waiting = list(
        Email.objects.filter(state=Email.State.PENDING, next_attempt_at__lte=now - grace)
        .exclude(queued_at__gt=now - grace)
        .exclude(pk__in=taken_back)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    if (taken_back or waiting) and not dry_run:
        emails_enqueue(ids=[*taken_back, *waiting])
    return {"failed": given_up, "taken_back": len(taken_back), "queued": len(waiting)}


def emails_retry(*, ids: Iterable[int]) -> int:
    """Give failed rows a fresh set of attempts (the admin's "retry" action).

    Rows that were sent or are being sent are left alone. Returns how many will be retried.
    """
    with transaction.atomic():
        ids = list(
            Email.objects.filter(pk__in=list(ids), state=Email.State.FAILED).values_list(
                "pk", flat=True
            )
        )
        Email.objects.filter(pk__in=ids).update(
            state=Email.State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_by=""
        )
        if ids:
            transaction.on_commit(partial(emails_enqueue, ids=ids), robust=True)
    return len(ids)


def email_message(*, email: Email) -> EmailMultiAlternatives | None:
    """The message a row stands for, built now, or None when it is no longer wanted.

    Each kind has its builder in `feed.notifications.emails`; every message gets
    the row's Message-ID and one-click unsubscribe headers.
    """
    return message_build(email=email)
