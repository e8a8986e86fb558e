"""
The daily and weekly summaries: a person's notifications of a day or a week, in one email.

Each person's daily summary covers yesterday and goes out from 08:00 their
time; the weekly one covers last week and goes out from Monday 08:00. Each
gathers the kinds of notification the person wants at its cadence
(`Preferences.kinds_at`).

- `summaries_plan` says who may get one (people told something lately) and
  what it would say (their notifications of the period); the shared planner
  (`feed.notifications.planning`) records one row per person, kind and
  period, so planning again finds it and does nothing. (The manager digest and
  comms' candidates are planned the same way.)
- `summary_email_context` is the builder `feed.notifications.emails` calls
  when a row is sent: it gathers the notifications again, so a kind turned off
  or a win hidden in the meantime is respected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Cadence, User
from feed.notifications.kinds import KINDS, SUMMARIES, EmailKind
from feed.notifications.models import Email, Notification
from feed.notifications.periods import Period, period_from_key
from feed.notifications.planning import emails_plan
from feed.notifications.preferences import preferences_of
from feed.notifications.selectors import (
    consent_answers,
    consent_links,
    decorate_all,
    notifications_for,
    stories_withdrawn,
)
from wins_net.links import absolute_url

# Anyone told something in this window may be due a summary.
LOOKBACK = timedelta(days=9)


def summary_notifications(*, recipient: User, cadence: str, period: Period) -> list[Notification]:
    """The notifications a summary gathers: kinds `recipient` wants at `cadence`,
    with activity in `period`, about wins they may still see (`notifications_for`)."""
    kinds = preferences_of(recipient).kinds_at(cadence)
    if not kinds:
        return []
    where = Q(kind__in=kinds, updated_at__gte=period.start, updated_at__lt=period.end)
    return list(
        notifications_for(
            user=recipient, where=where, related=("actor", "win", "win__author", "comment")
        )
    )


# --------------------------------------------------------------------------
# The email
# --------------------------------------------------------------------------
def summary_email_context(*, email: Email) -> tuple[str, dict] | None:
    """The template and context of a summary row, or None when nothing is left in it."""
    recipient = email.recipient
    cadence = KINDS[email.kind].cadence
    period = period_from_key(key=email.period, time_zone=recipient.time_zone)
    notifications = summary_notifications(recipient=recipient, cadence=cadence, period=period)
    if not notifications:
        return None
    decorate_all(notifications)  # `url` (made absolute below) and `excerpt`
    consent_links(notifications, recipient=recipient)
    consent_answers(notifications)
    stories_withdrawn(notifications, recipient=recipient)
    for notification in notifications:
        notification.url = absolute_url(notification.url) if notification.url else ""
    return "summary", {
        "notifications": notifications,
        "period": period,
        "is_daily": cadence == Cadence.DAILY,
        "notifications_url": absolute_url(reverse("notifications:list")),
    }


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------
def told_lately(*, now: datetime) -> QuerySet[User]:
    """Active people told something within `LOOKBACK` of `now`."""
    return (
        User.objects.filter(is_active=True, notifications__updated_at__gte=now - LOOKBACK)
        .distinct()
        .order_by("pk")
    )


def _notifications_in(person: User, period: Period, kind: EmailKind) -> list[Notification]:
    return summary_notifications(recipient=person, cadence=kind.cadence, period=period)


def summaries_plan(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Record every daily and weekly summary that is due now; returns how many.

    `feed.notifications.planning.emails_plan` over the people told something
    lately: due from 08:00 in the person's time zone for yesterday's, from
    Monday 08:00 for last week's, for people who want some kind at that
    cadence and were told something in the period. Idempotent: a row exists
    once per person, kind and period, so a second run records nothing. With
    `dry_run` nothing is written: the count is of the summaries that would be
    recorded. `progress(done, total)` is told after each chunk of people.
    """
    now = now or timezone.now()
    planned = emails_plan(
        kinds=[kind.value for kind in SUMMARIES],
        people=told_lately(now=now),
        says=_notifications_in,
        now=now,
        dry_run=dry_run,
        progress=progress,
    )
    return len(planned)
