"""
Deciding which summaries are due, for beat to run every few minutes.

Each person's daily summary covers yesterday and goes out from 08:00 their
time; the weekly one covers last week and goes out from Monday 08:00. The row
recorded for it is unique per period, so planning again finds it and does
nothing. (The manager digest is planned the same way in `feed.digests`.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Cadence, User
from feed.delivery import email_record
from feed.emails import summary_notifications
from feed.models import Email
from feed.periods import daily_due, previous_day, previous_week, weekly_due

# Anyone told something in this window may be due a summary.
LOOKBACK = timedelta(days=9)


def summaries_plan(*, now: datetime | None = None) -> int:
    """Record every daily and weekly summary that is due now; returns how many."""
    now = now or timezone.now()
    recorded = 0
    people = (
        User.objects.filter(is_active=True, notifications__updated_at__gte=now - LOOKBACK)
        .distinct()
        .order_by("pk")
    )
    for person in people.iterator(chunk_size=500):
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
            with transaction.atomic():
                if email_record(recipient=person, kind=kind, period=period.key):
                    recorded += 1
    return recorded
