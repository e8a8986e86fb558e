"""
The weekly email of highlight candidates: last week's best wins, for comms.

Every comms person (`feed.wins.access.is_comms`: an active member of the
Communications group, or a superuser) gets one email on Monday from 08:00 in
their own time zone and language, as managers get their digest: the best wins
of the week before that nobody has proposed as a highlight yet, ranked as the
admin's curation queue ranks them (`feed.highlights.curation.weekly_candidates`). Each
comes with its excerpt, author, team, counts and thumbnail, a link to it in the
curation queue and one to the win. No candidate, no email; each comms person
can turn it off (`EmailPreference.CANDIDATES`, weekly or never).

Team-only and hidden wins are never candidates (`feed.highlights.curation.curation_queue`
starts from wins for everyone that are not hidden), and neither are wins of
people who left: nobody could consent for them.

Three parts, as in `feed.notifications.digests`:

- `candidates_build` is a selector: the candidates of one week, or None.
- `candidates_plan` says who gets it (comms staff) and what it would say (how
  many candidates); the shared planner (`feed.notifications.planning`) records
  one `Email` row per comms person who is due and has something to read, once
  per week whatever runs twice, handed to workers after the commit.
- `candidates_email_context` is the builder `feed.notifications.emails` calls when a row is
  sent: it builds the list again, so a win proposed or hidden in the meantime
  is left out, and a person who left comms or turned the email off gets nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import User
from feed.highlights.curation import weekly_candidates
from feed.notifications.models import Email
from feed.notifications.names import mention_names, named_excerpt
from feed.notifications.periods import Period
from feed.notifications.planning import Plan, emails_plan, row_period
from feed.wins.access import comms_people, is_comms
from feed.wins.media import Thumbnail, win_thumbnail
from feed.wins.models import Win
from wins_net.links import absolute_url

# Candidates in one email: a short list to read on a Monday morning; the queue
# in the admin area has the rest.
CANDIDATES_SHOWN = 10
# A win's text in the email: enough to judge whether it makes a story.
EXCERPT_CHARS = 280
# The admin's curation queue, narrowed to one win (a lookup on a local field,
# which the admin's changelist accepts from the query string).
QUEUE_WIN_LOOKUP = "id__exact"


# --------------------------------------------------------------------------
# What the email holds
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    pk: int
    url: str  # the win in the app, absolute
    queue_url: str  # the win in the admin's curation queue, absolute
    author: User
    team: str
    excerpt: str
    created_at: datetime
    reactions: int
    comments: int
    credits: int
    thumbnail: Thumbnail | None


@dataclass(frozen=True)
class Candidates:
    period: Period
    wins: list[Candidate]
    queue_url: str  # the whole curation queue, absolute

    @property
    def first_day(self) -> date:
        return self.period.start.date()

    @property
    def last_day(self) -> date:
        return (self.period.end - timedelta(days=1)).date()


def candidate_wins(*, period: Period) -> list[Win]:
    """The best wins posted in `period` that nobody has proposed yet, best first.

    `weekly_candidates` over the week (its own bounds, whatever a change of
    clocks made of its length). Wins posted after it (on Monday before the
    email) wait for next week's, and wins of people who left are left out. One query.
    """
    ranked = weekly_candidates(now=period.end, since=period.start, limit=CANDIDATES_SHOWN)
    return list(ranked.select_related("author", "author__team", "team"))


def candidates_build(*, period: Period, recipient: User) -> Candidates | None:
    """The candidates of the week `period`, with absolute links (the thumbnails'
    signed for `recipient`), or None when there are none."""
    wins = candidate_wins(period=period)
    if not wins:
        return None
    queue = reverse("admin:feed_curationcandidate_changelist")
    items = []
    names = mention_names(win.body for win in wins)
    for win in wins:
        team = win.team or win.author.team
        items.append(
            Candidate(
                pk=win.pk,
                url=absolute_url(win.get_absolute_url()),
                queue_url=absolute_url(f"{queue}?{urlencode({QUEUE_WIN_LOOKUP: win.pk})}"),
                author=win.author,
                team=team.name if team is not None else "",
                excerpt=named_excerpt(win.body, chars=EXCERPT_CHARS, names=names),
                created_at=win.created_at,
                reactions=win.reaction_count,
                comments=win.comment_count,
                credits=win.credit_total,
                thumbnail=win_thumbnail(win, recipient=recipient),
            )
        )
    return Candidates(period=period, wins=items, queue_url=absolute_url(queue))


# --------------------------------------------------------------------------
# The email
# --------------------------------------------------------------------------
def candidates_email_context(*, email: Email) -> tuple[str, dict] | None:
    """The template and context of a candidates row, or None when it is no longer
    wanted: the person left comms or turned it off, or no candidate is left."""
    person = email.recipient
    if not is_comms(person):
        return None
    wanted = row_period(email)
    if wanted is None:
        return None
    period, _preferences = wanted
    candidates = candidates_build(period=period, recipient=person)
    if candidates is None:
        return None
    return "candidates", {"candidates": candidates}


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class CandidatesPlan(Plan):
    """One email of candidates recorded (or, in a dry run, that would be)."""

    candidates: int


def candidates_plan(
    *,
    now: datetime | None = None,
    force: bool = False,
    dry_run: bool = False,
    skipped: Counter | None = None,
    hand_over: Callable[[list[int]], object] | None = None,
) -> list[CandidatesPlan]:
    """Record last week's email of candidates for every comms person who is due.

    `feed.notifications.planning.emails_plan` over everyone `is_comms` says yes
    to (`feed.wins.access.comms_people`): due from Monday 08:00 in the person's
    time zone, or at once with `force` (`send_candidates`); left out and
    counted in `skipped` (`planning.Skipped`) when turned off, not due yet,
    already recorded, or when their week has no candidate. With `dry_run`
    nothing is written. Idempotent, and handed over after the commit as
    `emails_plan` says (comms staff are a handful: one chunk).
    """

    # People in the same time zone share a week: its candidates are counted once.
    @cache
    def count(period: Period) -> int:
        return len(candidate_wins(period=period))

    planned = emails_plan(
        kinds=[Email.Kind.CANDIDATES],
        people=comms_people(),
        says=lambda _person, period, _kind: count(period),
        now=now,
        force=force,
        dry_run=dry_run,
        skipped=skipped,
        hand_over=hand_over,
    )
    return [CandidatesPlan(**Plan.fields(plan), candidates=plan.says) for plan in planned]
