"""
The planner of the emails sent once per person and period: the daily and weekly
summaries, the manager digest and comms' email of highlight candidates.

Beat runs each planner every 15 minutes. A planner says only who may get its
email (a queryset of people), and what the email would say to one of them about
one period (None when there is nothing to say); `emails_plan` does the rest,
the same way for all of them:

- When: each person's period is yesterday or last week in their own time zone,
  due from 08:00 there (Monday for weekly ones), as the kind's cadence says
  (`feed.notifications.kinds`, `feed.notifications.periods`); with `force`
  (`send_digests`, `send_candidates`) last week's is due at once.
- Whether: a person who does not want it (`Preferences.wants`: turned off, or
  for a summary no kind at its cadence) is skipped.
- Once: people are read and planned `PLAN_CHUNK` at a time; for each chunk one
  query finds which rows already exist, one transaction records the new ones,
  and they are handed over after its commit (to the workers in batches, or to
  `hand_over`). The unique (recipient, kind, period) of the ledger makes
  running it twice, or from beat and a command in the same hour, record nothing
  the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import batched

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Cadence, User
from feed.notifications.kinds import KINDS, EmailKind
from feed.notifications.ledger import email_record, emails_enqueue
from feed.notifications.models import Email
from feed.notifications.periods import (
    Period,
    daily_due,
    period_from_key,
    previous_day,
    previous_week,
    weekly_due,
)
from feed.notifications.preferences import PREFETCH, Preferences, preferences_of

# People planned per round: one query finds which of them already have their
# email, one transaction records the new rows and one task per
# `ledger.BATCH_SIZE` rows hands them over. Big enough that 1,000 managers take
# five rounds, small enough that a round's people and plans are a few hundred
# kilobytes.
PLAN_CHUNK = 200

# Which period a person is due, and from when, by the kind's cadence.
PERIOD_OF = {Cadence.DAILY: previous_day, Cadence.WEEKLY: previous_week}
DUE = {Cadence.DAILY: daily_due, Cadence.WEEKLY: weekly_due}


class Skipped:
    """Why people were not planned, for the commands' summaries."""

    OFF = "turned off"
    NOT_DUE = "not due yet"
    ALREADY = "already recorded"
    NOTHING = "nothing to say"


@dataclass(frozen=True)
class Planned[T]:
    """One email recorded (or, in a dry run, that would be), with what it says."""

    person: User
    kind: str
    period: Period
    says: T
    recorded: bool


@dataclass(frozen=True)
class Plan:
    """What the commands print about one planned email: to whom, which period."""

    person_id: int
    email: str
    time_zone: str
    language: str
    period: str  # its key
    recorded: bool

    @staticmethod
    def fields(planned: Planned) -> dict:
        """The fields of a `Plan` (or of a subclass's) from what `emails_plan` returned."""
        person = planned.person
        return {
            "person_id": person.pk,
            "email": person.email,
            "time_zone": person.time_zone,
            "language": person.language,
            "period": planned.period.key,
            "recorded": planned.recorded,
        }


# What an email of a kind would say to a person about a period; None (or
# anything empty) when there is nothing to say.
type Says[T] = Callable[[User, Period, EmailKind], T | None]


def emails_plan[T](
    *,
    kinds: Sequence[str],
    people: QuerySet[User],
    says: Says[T],
    now: datetime | None = None,
    force: bool = False,
    dry_run: bool = False,
    skipped: Counter | None = None,
    progress: Callable[[int, int], None] | None = None,
    hand_over: Callable[[list[int]], object] | None = None,
) -> list[Planned[T]]:
    """Record the emails of `kinds` due now to `people`; returns what was planned.

    Left out and counted in `skipped` by reason (`Skipped`): people who do not
    want it, are not due yet, already have the period's row, or to whom it
    would say nothing. With `dry_run` nothing is written: the plans say who
    would get which period, and what. `progress(done, total)` is told after each
    chunk of people. Each chunk's new rows are handed, after its commit, to
    `hand_over(ids)` when given (a command sends them in its own process), else
    to the workers in batches (once the caller's transaction commits, when
    there is one).
    """
    now = now or timezone.now()
    skipped = skipped if skipped is not None else Counter()
    email_kinds = [KINDS[kind] for kind in kinds]
    people = people.prefetch_related(PREFETCH)
    total = people.count() if progress else 0
    plans: list[Planned[T]] = []
    done = 0
    for chunk in batched(people.iterator(chunk_size=PLAN_CHUNK), PLAN_CHUNK):
        due = _due(chunk, kinds=email_kinds, now=now, force=force, skipped=skipped)
        wanted = _with_something_to_say(due, says=says, dry_run=dry_run, skipped=skipped)
        if dry_run:
            plans.extend(wanted)
        else:
            plans.extend(_record(wanted, skipped=skipped, hand_over=hand_over))
        done += len(chunk)
        if progress:
            progress(done, total)
    return plans


def row_period(email: Email) -> tuple[Period, Preferences] | None:
    """For the builder of a planned row, when it is sent: the period the row is
    about and its recipient's preferences (read once), or None when the
    recipient no longer wants it or the row names no period."""
    preferences = preferences_of(email.recipient)
    if not preferences.wants(email.kind):
        return None
    try:
        period = period_from_key(key=email.period, time_zone=email.recipient.time_zone)
    except ValueError:
        return None
    return period, preferences


def _due(
    people: Iterable[User],
    *,
    kinds: Sequence[EmailKind],
    now: datetime,
    force: bool,
    skipped: Counter,
) -> list[tuple[User, EmailKind, Period]]:
    """Who wants which kind, due now for which period."""
    due = []
    for person in people:
        preferences = preferences_of(person)  # prefetched
        for kind in kinds:
            if not preferences.wants(kind.value):
                skipped[Skipped.OFF] += 1
            elif not force and not DUE[kind.cadence](time_zone=person.time_zone, now=now):
                skipped[Skipped.NOT_DUE] += 1
            else:
                period = PERIOD_OF[kind.cadence](time_zone=person.time_zone, now=now)
                due.append((person, kind, period))
    return due


def _with_something_to_say[T](
    due: list[tuple[User, EmailKind, Period]],
    *,
    says: Says[T],
    dry_run: bool,
    skipped: Counter,
) -> list[Planned[T]]:
    """The due emails not recorded yet that have something to say (one query
    for what is recorded, then `says` for each)."""
    if not due:
        return []
    recorded = set(
        Email.objects.filter(
            kind__in={kind.value for _person, kind, _period in due},
            recipient_id__in=[person.pk for person, _kind, _period in due],
            period__in={period.key for _person, _kind, period in due},
        ).values_list("recipient_id", "kind", "period")
    )
    wanted = []
    for person, kind, period in due:
        if (person.pk, kind.value, period.key) in recorded:
            skipped[Skipped.ALREADY] += 1
            continue
        said = says(person, period, kind)
        if not said:
            skipped[Skipped.NOTHING] += 1
            continue
        wanted.append(
            Planned(person=person, kind=kind.value, period=period, says=said, recorded=not dry_run)
        )
    return wanted


def _record[T](
    wanted: list[Planned[T]],
    *,
    skipped: Counter,
    hand_over: Callable[[list[int]], object] | None,
) -> list[Planned[T]]:
    """Record `wanted` in one transaction and hand the new rows over after it."""
    if not wanted:
        return []
    ids: list[int] = []
    recorded: list[Planned[T]] = []
    with transaction.atomic():
        for plan in wanted:
            email = email_record(
                recipient=plan.person, kind=plan.kind, period=plan.period.key, enqueue=False
            )
            if email is None:  # another run recorded it a moment ago
                skipped[Skipped.ALREADY] += 1
                continue
            ids.append(email.pk)
            recorded.append(plan)
        if ids and hand_over is None:
            transaction.on_commit(partial(emails_enqueue, ids=ids), robust=True)
    if ids and hand_over is not None:
        hand_over(ids)
    return recorded
