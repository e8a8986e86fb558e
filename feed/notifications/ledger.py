"""
The ledger of outgoing email: every message is a row first, recorded once.

Whatever makes an email due records it with `email_record` (`emails_record`
for many at once), inside the same transaction as its cause (a comment, a week
that ended, people imported), and the unique `(recipient, kind, period)` makes
a second row impossible. After the commit the rows are handed to Celery in
batches (`emails_enqueue`); sending them is `feed.notifications.delivery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from feed.notifications.models import Email
from wins_net.celery import task_named

# Rows handed to one task: one SMTP connection each. Small enough that a batch
# finishes well inside the task's time limit with a slow mail server.
BATCH_SIZE = 50
# The Celery task that sends a batch (`feed.notifications.tasks.emails_send`).
EMAILS_SEND_TASK = "feed.emails_send"
# Rows one bulk INSERT writes (`emails_record`): well under SQLite's and
# PostgreSQL's limits on parameters per statement.
RECORD_BATCH_SIZE = 500


def message_id_for(*, kind: str, period: str, recipient_id: int) -> str:
    """The `Message-ID` of a message: the same for the same recipient, kind and period."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "wins.invalid"
    safe_period = "".join(c if c.isalnum() or c in "-." else "-" for c in period)
    return f"<wins.{kind}.{safe_period}.{recipient_id}@{domain}>"


def email_record(
    *,
    recipient: User,
    kind: str,
    period: str,
    notification_id: int | None = None,
    enqueue: bool = True,
) -> Email | None:
    """Record that `recipient` is due one `kind` email for `period`.

    Call it inside the transaction of what caused the email. Returns the new
    row, or None when that email was already recorded (nothing changes then).
    The row is handed to a worker after the commit; if the broker is down the
    request still succeeds and the sweep hands it over later. A planner that
    records many rows passes `enqueue=False` and hands them over itself, in
    batches, with `emails_enqueue` after its commit (one task per batch, not per row).
    """
    email, created = Email.objects.get_or_create(
        recipient=recipient,
        kind=kind,
        period=period,
        defaults={
            "notification_id": notification_id,
            "message_id": message_id_for(kind=kind, period=period, recipient_id=recipient.pk),
        },
    )
    if not created:
        return None
    if enqueue:
        transaction.on_commit(partial(emails_enqueue, ids=[email.pk]), robust=True)
    return email


def emails_record(*, recipients: Sequence[User], kind: str, period: str) -> list[int]:
    """Record one `kind` email for `period` to each of `recipients`, in bulk.

    `email_record` for a cause that makes many emails due at once (people
    imported): a few queries per `RECORD_BATCH_SIZE` recipients instead of a
    few per recipient. Call it inside the transaction of the cause. A recipient
    who already has that row gets no second one; two transactions recording
    the same row at the same moment cannot both commit (the unique rule: the
    second fails with IntegrityError). The new rows are handed to workers
    after the commit. Returns their ids.
    """
    ids: list[int] = []
    recipients = list(recipients)
    for start in range(0, len(recipients), RECORD_BATCH_SIZE):
        batch = recipients[start : start + RECORD_BATCH_SIZE]
        recorded = set(
            Email.objects.filter(
                kind=kind, period=period, recipient__in=[person.pk for person in batch]
            ).values_list("recipient_id", flat=True)
        )
        rows = Email.objects.bulk_create(
            [
                Email(
                    recipient=person,
                    kind=kind,
                    period=period,
                    message_id=message_id_for(kind=kind, period=period, recipient_id=person.pk),
                )
                for person in batch
                if person.pk not in recorded
            ]
        )
        ids.extend(row.pk for row in rows)
    if ids:
        transaction.on_commit(partial(emails_enqueue, ids=ids), robust=True)
    return ids


def emails_enqueue(*, ids: Sequence[int], countdown: float | None = None) -> None:
    """Hand rows to workers in batches. Raises when the broker cannot be reached
    (callers after a commit use `on_commit(robust=True)`, which logs it)."""
    emails_send = task_named(EMAILS_SEND_TASK)
    ids = list(ids)
    for start in range(0, len(ids), BATCH_SIZE):
        emails_send.apply_async(args=[ids[start : start + BATCH_SIZE]], countdown=countdown)
    Email.objects.filter(pk__in=ids).update(queued_at=timezone.now())
