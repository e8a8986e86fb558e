"""
When demo people post: working days and office hours over the last weeks, and
reactions and comments a little after, never in the future.
"""

from __future__ import annotations

import random
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings

WEEKS = 8

# When people post, in the organisation's time zone: office hours, peaking mid-morning.
HOUR_WEIGHTS = {
    7: 1, 8: 4, 9: 9, 10: 12, 11: 12, 12: 10, 13: 5, 14: 4,
    15: 8, 16: 10, 17: 8, 18: 4, 19: 2, 20: 1, 21: 1, 22: 1,
}  # fmt: skip
# Weekend days are kept this often when drawn: about 6% of wins come on Saturdays and Sundays.
WEEKEND_KEEP = 0.15


def posting_times(rng: random.Random, *, count: int, now: datetime) -> list[datetime]:
    """`count` moments over the last `WEEKS` weeks, on working days and hours, oldest first."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(zone).date()
    hours, weights = list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values())
    latest = now - timedelta(minutes=5)
    times: list[datetime] = []
    while len(times) < count:
        day = today - timedelta(days=rng.randrange(WEEKS * 7))
        if day.weekday() >= 5 and rng.random() > WEEKEND_KEEP:
            continue
        hour = rng.choices(hours, weights)[0]
        moment = local_moment(day, hour, rng, zone)
        if moment <= latest:
            times.append(moment)
    times.sort()
    return times


def local_moment(day: date, hour: int, rng: random.Random, zone: zoneinfo.ZoneInfo) -> datetime:
    """A moment in `hour` of `day` in `zone` (minute and second drawn), in UTC."""
    return datetime.combine(
        day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone
    ).astimezone(UTC)


def moment_after(
    rng: random.Random, moment: datetime, now: datetime, *, mean_minutes: float
) -> datetime:
    """A moment after `moment` (minutes to a day or two later), never in the future."""
    room = (now - moment).total_seconds()
    delay = min(rng.expovariate(1 / (mean_minutes * 60)), room * 0.95)
    return moment + timedelta(seconds=max(delay, min(30.0, room / 2)))
