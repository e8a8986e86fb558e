"""
Deciding which summaries are due, for beat to run every few minutes.

Each person's daily summary covers yesterday and goes out from 08:00 their
time; the weekly one covers last week and goes out from Monday 08:00. The row
recorded for it is unique per period, so planning again finds it and does
nothing. (The manager digest is planned the same way in `feed.notifications.digests`.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Cadence, User
from feed.notifications.delivery import email_record
from feed.notifications.emails import summary_notifications
from feed.notifications.models import Email
from feed.notifications.periods import daily_due, previous_day, previous_week, weekly_due

# Anyone told something in this window may be due a summary.
LOOKBACK = timedelta(days=9)


def summaries_plan(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Record every daily and weekly summary that is due now; returns how many.

    Due: from 08:00 in the person's time zone for yesterday's (`daily_due`), from
    Monday 08:00 for last week's (`weekly_due`), for people who chose that cadence
    and were told something in it. Idempotent: a row exists once per person, kind
    and period, so a second run records nothing. Each row is handed to a worker
    after its own commit. With `dry_run` nothing is written: the count is of the
    summaries that would be recorded. `progress(done, total)` is told after each
    person looked at.
    """
    now = now or timezone.now()
    recorded = 0
    people = (
        User.objects.filter(is_active=True, notifications__updated_at__gte=now - LOOKBACK)
        .distinct()
        .order_by("pk")
    )
    total = people.count() if progress else 0
    for done, person in enumerate(people.iterator(chunk_size=500), start=1):
        plans = []
        if daily_due(time_zone=person.time_zone, now=now):
            plans.append((Email.Kind.DAILY_SUMMARY, Cadence.DAILY, previous_day))
        if weekly_due(time_zone=person.time_zone, now=now):
            plans.append((Email.Kind.WEEKLY_SUMMARY, Cadence.WEEKLY, previous_week))
        for kind, cadence, period_of in plans:
            period = period_of(time_zone=person.time_zone, now=now)
            if Email.objects.filter(recipient=person, kind=kind, period=period.key).exists():
                continue
            if not summary_notifications(recipient=person, cadence=cadence, period=period):
                continue
            if dry_run:
                recorded += 1
                continue
            with transaction.atomic():
                if email_record(recipient=person, kind=kind, period=period.key):
                    recorded += 1
        if progress:
            progress(done, total)
    return recorded
