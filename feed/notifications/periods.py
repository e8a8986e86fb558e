"""
The days and weeks that emails are about, in each person's own time zone.

A summary or digest is sent once its period is over and the recipient's
morning has come (`SEND_HOUR` local time; Monday for weekly ones), and it is
keyed by the period it covers, so planning it again, late or twice, finds the
row already there.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

# Weekly email arrives on Monday at 08:00 in the recipient's time zone.
SEND_HOUR = 8
MONDAY = 0


@dataclass(frozen=True)
class Period:
    key: str  # "2026-11-22" for a day, "2026-W47" for a week
    start: datetime  # aware, inclusive
    end: datetime  # aware, exclusive


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _midnight(day, zone) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def previous_day(*, time_zone: str, now: datetime | None = None) -> Period:
    """Yesterday in `time_zone`."""
    zone = _zone(time_zone)
    today = (now or timezone.now()).astimezone(zone).date()
    day = today - timedelta(days=1)
    return Period(key=day.isoformat(), start=_midnight(day, zone), end=_midnight(today, zone))


def previous_week(*, time_zone: str, now: datetime | None = None) -> Period:
    """Last week, Monday to Monday, in `time_zone`, keyed by its ISO week."""
    zone = _zone(time_zone)
    today = (now or timezone.now()).astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    monday = this_monday - timedelta(days=7)
    year, week, _weekday = monday.isocalendar()
    return Period(
        key=f"{year}-W{week:02d}",
        start=_midnight(monday, zone),
        end=_midnight(this_monday, zone),
    )


def daily_due(*, time_zone: str, now: datetime | None = None) -> bool:
    """True once it is `SEND_HOUR` or later in `time_zone` today."""
    local = (now or timezone.now()).astimezone(_zone(time_zone))
    return local.hour >= SEND_HOUR


def weekly_due(*, time_zone: str, now: datetime | None = None) -> bool:
    """True from Monday `SEND_HOUR` in `time_zone` until the week ends: a beat
    that was down on Monday morning still sends last week's email on Tuesday."""
    local = (now or timezone.now()).astimezone(_zone(time_zone))
    return local.weekday() != MONDAY or local.hour >= SEND_HOUR


def period_from_key(*, key: str, time_zone: str) -> Period:
    """The period a key names ("2026-11-22" or "2026-W47"), in `time_zone`.

    Raises ValueError for a key that names neither.
    """
    zone = _zone(time_zone)
    if "-W" in key:
        year, week = key.split("-W")
        start = date.fromisocalendar(int(year), int(week), 1)
        end = start + timedelta(days=7)
    else:
        start = date.fromisoformat(key)
        end = start + timedelta(days=1)
    return Period(key=key, start=_midnight(start, zone), end=_midnight(end, zone))
