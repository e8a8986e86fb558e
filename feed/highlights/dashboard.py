"""
The comms dashboard: does the honest marketing work, and who takes part?

Three readings, for a range of whole months in the organisation's time zone
(`settings.TIME_ZONE`) and optionally one team:

The funnel is a cohort: the wins posted in a month (for everyone or for their
team only; both are "posted") and, of those wins, how many ever reached each
step of publication, whenever they reached it. A step counts when the audit
trail (`HighlightEvent`, append-only) shows it, so a later withdrawal, decline
or edit does not rewrite history, and a step counts the steps before it too,
so the funnel never widens:

    posted → proposed (any highlight) → consent asked → approved (by everyone
    named) → published → public views (of all their highlights, ever)

Wins belong to the team they were posted in (`Win.team`). A deleted win leaves
the counts, with the views of its highlights.

Participation is the share of the active people of a team today who posted in
the month: today's membership, so people who moved count for their current
team, and people who left count nowhere.

"Seen their own work published" counts the distinct people named (the author
and those credited, whatever their team) on the highlights of these wins that
were ever published.

Every reading is a handful of grouped queries, the same number for 1 month or
24 and 1 team or 50. Public views are counted here too: a counter per
highlight and day, no cookie, nothing about the reader kept.
"""

from __future__ import annotations

import logging
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Team, User
from feed.highlights.models import Highlight, HighlightEvent, HighlightPerson, HighlightView
from feed.wins.models import Win

logger = logging.getLogger(__name__)

DEFAULT_MONTHS = 12
MONTH_CHOICES = (3, 6, 12, 24)
MAX_MONTHS = 36

Action = HighlightEvent.Action
# A step is reached when any of these happened: each set holds the later steps
# too, so a win counted at one step is counted at every step before it.
PUBLISHED_ACTIONS = (Action.PUBLISHED,)
APPROVED_ACTIONS = (Action.APPROVED, *PUBLISHED_ACTIONS)
ASKED_ACTIONS = (
    Action.CONSENT_ASKED,
    Action.CONSENT_APPROVED,
    Action.CONSENT_DECLINED,
    Action.DECLINED,
    *APPROVED_ACTIONS,
)

# A page read counts only from something that looks like a browser
# (every current one starts its User-Agent so) and names no robot.
BROWSER_UA = re.compile(r"^(Mozilla|Opera)/")
ROBOT_UA = re.compile(
    r"bot|crawl|spider|slurp|archiver|scrap|headless|lighthouse|preview|facebookexternalhit"
    r"|embedly|pingdom|uptime|monitor|curl|wget|python|httpclient|okhttp|java/|go-http",
    re.IGNORECASE,
)


def org_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# --------------------------------------------------------------------------
# Public views: counted, never traced
# --------------------------------------------------------------------------
def view_is_countable(*, method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request for a public page is a person reading it: a GET (not
    HEAD), not a prefetch or prerender (`Sec-Purpose`, `Purpose`), from a
    browser-like User-Agent that names no robot. The headers are only looked
    at, never kept."""
    if method != "GET":
        return False
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}"
    purpose += f" {headers.get('X-Purpose', '')} {headers.get('X-Moz', '')}"
    if "prefetch" in purpose.lower() or "preview" in purpose.lower():
        return False
    agent = headers.get("User-Agent", "")
    return bool(BROWSER_UA.match(agent)) and not ROBOT_UA.search(agent)


def highlight_view_record(*, highlight_id: int, day: date | None = None) -> None:
    """Add one to the views of `highlight_id` on `day` (today in the
    organisation's time zone by default).

    Race-free: one `UPDATE … SET count = count + 1` of the day's row; the
    first view of a day creates it (`get_or_create` inserts in a savepoint and
    finds the row a concurrent request inserted first, which is then
    incremented). A database error is logged and swallowed: a counter must
    never break the public page (which runs outside a transaction).
    """
    day = day or timezone.localdate(timezone=org_zone())
    rows = HighlightView.objects.filter(highlight_id=highlight_id, day=day)
    try:
        if rows.update(count=F("count") + 1):
            return
        _row, created = HighlightView.objects.get_or_create(
            highlight_id=highlight_id, day=day, defaults={"count": 1}
        )
        if not created:
            rows.update(count=F("count") + 1)
    except DatabaseError:
        logger.warning("Could not count a view of highlight %s", highlight_id, exc_info=True)


# --------------------------------------------------------------------------
# The readings
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthRange:
    months: list[date]  # the first day of each month, oldest first
    start: datetime  # aware, inclusive: midnight of the first month in the org's zone
    end: datetime  # aware, exclusive: midnight of the month after the last


def month_range(*, months: int = DEFAULT_MONTHS, now: datetime | None = None) -> MonthRange:
    """The last `months` whole months including the current one, in the org's zone."""
    months = max(1, min(months, MAX_MONTHS))
    zone = org_zone()
    today = (now or timezone.now()).astimezone(zone).date()
    index = today.year * 12 + today.month - 1
    firsts = [
        date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(months - 1, -1, -1)
    ]
    after = date((index + 1) // 12, (index + 1) % 12 + 1, 1)
    return MonthRange(
        months=firsts,
        start=datetime.combine(firsts[0], time.min, tzinfo=zone),
        end=datetime.combine(after, time.min, tzinfo=zone),
    )


@dataclass
class FunnelRow:
    """One month, one team, or both; `month` None means the whole range, and
    `team_id` None with `team_name` "" means every team together."""

    month: date | None = None
    team_id: int | None = None
    team_name: str = ""
    posted: int = 0
    proposed: int = 0
    consent_asked: int = 0
    approved: int = 0
    published: int = 0
    views: int = 0
    posters: int = 0  # active people (of the team today) who posted
    people: int = 0  # active people (of the team today)

    STEPS = ("posted", "proposed", "consent_asked", "approved", "published")

    @property
    def participation(self) -> float | None:
        """Posters ÷ people, from 0 to 1; None for a team with nobody in it."""
        return self.posters / self.people if self.people else None

    @property
    def participation_percent(self) -> int | None:
        rate = self.participation
        return None if rate is None else round(rate * 100)

    def add(self, other: FunnelRow) -> None:
        for name in (*self.STEPS, "views", "posters", "people"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Dashboard:
    months: list[date]
    team: Team | None
    teams: list[Team]  # the teams shown: the one chosen, or all
    by_month: list[FunnelRow]  # every team (or the chosen one) together, oldest first
    by_team: list[FunnelRow]  # the whole range, by team
    by_month_team: list[FunnelRow] = field(default_factory=list)  # the detail, for the CSV
    total: FunnelRow = field(default_factory=FunnelRow)
    people_published: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.total.posted or self.total.views)


def _reached(actions: Iterable[str]) -> Exists:
    return Exists(
        HighlightEvent.objects.filter(highlight__win=OuterRef("pk"), action__in=list(actions))
    )


def _cohort(*, span: MonthRange, team: Team | None) -> QuerySet[Win]:
    wins = Win.objects.filter(created_at__gte=span.start, created_at__lt=span.end)
    return wins.filter(team=team) if team is not None else wins


def _month(value: datetime) -> date:
    return value.date()


def dashboard_data(
    *, months: int = DEFAULT_MONTHS, team: Team | None = None, now: datetime | None = None
) -> Dashboard:
    """The funnel, participation and people published for the last `months`
    months (including the current one) and `team` (None: every team).

    Seven queries, whatever the number of months and teams.
    """
    span = month_range(months=months, now=now)
    wins = _cohort(span=span, team=team)
    posting = _posting(span=span, team=team)
    people = _active_people(team=team)
    people_published = _people_published(wins=wins)
    teams = [team] if team is not None else list(Team.objects.order_by("name"))
    cells = _Cells()
    cells.fill(
        funnel=_funnel_counts(wins=wins),
        views=_view_counts(span=span, team=team),
        posters=_posters_by_month(posting),
    )
    posters_total = {row["group"]: row["posters"] for row in _posters_in_range(posting)}
    names = {t.pk: t.name for t in teams}
    team_ids: list[int | None] = [t.pk for t in teams]
    if team is None and (None in people or cells.has_no_team()):
        team_ids.append(None)  # people and wins without a team
    # The detail first: it gives every cell its team's name and people, which
    # the rows by month and by team then add up.
    by_month_team = _rows_by_month_team(
        cells, span=span, team_ids=team_ids, names=names, people=people
    )
    by_month = _rows_by_month(cells, span=span, team=team, team_ids=team_ids)
    by_team, total = _rows_by_team(
        cells, span=span, team=team, team_ids=team_ids, names=names,
        posters_total=posters_total, people=people,
    )  # fmt: skip
    return Dashboard(
        months=span.months,
        team=team,
        teams=teams,
        by_month=by_month,
        by_team=by_team,
        by_month_team=by_month_team,
        total=total,
        people_published=people_published,
    )


# --------------------------------------------------------------------------
# The queries: each grouped by month (in the org's zone) and team
# --------------------------------------------------------------------------
def _funnel_counts(*, wins: QuerySet[Win]) -> QuerySet:
    """Per month and team the wins were posted in: how many reached each step."""
    return (
        wins.annotate(month=TruncMonth("created_at", tzinfo=org_zone()))
        .values("month", group=F("team_id"))
        .annotate(
            posted=Count("pk"),
            proposed=Count("pk", filter=Exists(Highlight.objects.filter(win=OuterRef("pk")))),
            consent_asked=Count("pk", filter=_reached(ASKED_ACTIONS)),
            approved=Count("pk", filter=_reached(APPROVED_ACTIONS)),
            published=Count("pk", filter=_reached(PUBLISHED_ACTIONS)),
        )
        .order_by()
    )


def _view_counts(*, span: MonthRange, team: Team | None) -> QuerySet:
    """Public views of the cohort's highlights, ever, by the month and team of their win."""
    views = HighlightView.objects.filter(
        highlight__win__created_at__gte=span.start, highlight__win__created_at__lt=span.end
    )
    if team is not None:
        views = views.filter(highlight__win__team=team)
    return (
        views.annotate(month=TruncMonth("highlight__win__created_at", tzinfo=org_zone()))
        .values("month", group=F("highlight__win__team_id"))
        .annotate(views=Sum("count"))
        .order_by()
    )


def _posting(*, span: MonthRange, team: Team | None) -> QuerySet[Win]:
    """Wins of the range by people still here, of `team` today when one is chosen."""
    posting = Win.objects.filter(
        created_at__gte=span.start, created_at__lt=span.end, author__is_active=True
    )
    return posting.filter(author__team=team) if team is not None else posting


def _posters_by_month(posting: QuerySet[Win]) -> QuerySet:
    """Distinct people who posted, per month and their team today."""
    return (
        posting.annotate(month=TruncMonth("created_at", tzinfo=org_zone()))
        .values("month", group=F("author__team_id"))
        .annotate(posters=Count("author_id", distinct=True))
        .order_by()
    )


def _posters_in_range(posting: QuerySet[Win]) -> QuerySet:
    """Distinct people who posted in the whole range, per their team today."""
    return (
        posting.values(group=F("author__team_id"))
        .annotate(posters=Count("author_id", distinct=True))
        .order_by()
    )


def _active_people(*, team: Team | None) -> dict[int | None, int]:
    """Active people today, by team id (None: without a team)."""
    active = User.objects.filter(is_active=True)
    if team is not None:
        active = active.filter(team=team)
    return {
        row["team_id"]: row["people"]
        for row in active.values("team_id").annotate(people=Count("pk")).order_by()
    }


def _people_published(*, wins: QuerySet[Win]) -> int:
    """Distinct people named on a highlight of `wins` that was ever published."""
    published_ever = Exists(
        HighlightEvent.objects.filter(highlight=OuterRef("highlight"), action__in=PUBLISHED_ACTIONS)
    )
    return (
        HighlightPerson.objects.filter(published_ever, highlight__win__in=wins)
        .aggregate(n=Count("user_id", distinct=True))
        .get("n")
    ) or 0


# --------------------------------------------------------------------------
# The grid of (month, team) cells, and the rows read from it
# --------------------------------------------------------------------------
class _Cells:
    """One `FunnelRow` per month and team id, made when first asked for."""

    def __init__(self) -> None:
        self.rows: dict[tuple[date, int | None], FunnelRow] = {}

    def __getitem__(self, key: tuple[date, int | None]) -> FunnelRow:
        month, team_id = key
        return self.rows.setdefault(key, FunnelRow(month=month, team_id=team_id))

    def fill(
        self, *, funnel: Iterable[dict], views: Iterable[dict], posters: Iterable[dict]
    ) -> None:
        """Put the grouped counts of the queries in their cells."""
        for row in funnel:
            target = self[_month(row["month"]), row["group"]]
            for step in FunnelRow.STEPS:
                setattr(target, step, row[step])
        for row in views:
            self[_month(row["month"]), row["group"]].views = row["views"] or 0
        for row in posters:
            self[_month(row["month"]), row["group"]].posters = row["posters"]

    def has_no_team(self) -> bool:
        """Whether any count is of wins or people without a team."""
        return any(team_id is None for _month_, team_id in self.rows)


def _rows_by_month_team(
    cells: _Cells,
    *,
    span: MonthRange,
    team_ids: list[int | None],
    names: Mapping[int | None, str],
    people: Mapping[int | None, int],
) -> list[FunnelRow]:
    """Every cell, month by month, team by team (the detail, for the CSV), each
    given its team's name and active people."""
    rows = []
    for month in span.months:
        for team_id in team_ids:
            row = cells[month, team_id]
            row.team_name = names.get(team_id, "")
            row.people = people.get(team_id, 0)
            rows.append(row)
    return rows


def _rows_by_month(
    cells: _Cells, *, span: MonthRange, team: Team | None, team_ids: list[int | None]
) -> list[FunnelRow]:
    """Every team shown together, month by month, oldest first."""
    rows = []
    for month in span.months:
        row = FunnelRow(month=month, team_id=team.pk if team else None)
        for team_id in team_ids:
            row.add(cells[month, team_id])
        rows.append(row)
    return rows


def _rows_by_team(
    cells: _Cells,
    *,
    span: MonthRange,
    team: Team | None,
    team_ids: list[int | None],
    names: Mapping[int | None, str],
    posters_total: Mapping[int | None, int],
    people: Mapping[int | None, int],
) -> tuple[list[FunnelRow], FunnelRow]:
    """The whole range, team by team, and their total."""
    rows = []
    total = FunnelRow(team_id=team.pk if team else None, team_name=team.name if team else "")
    for team_id in team_ids:
        row = FunnelRow(team_id=team_id, team_name=names.get(team_id, ""))
        for month in span.months:
            row.add(cells[month, team_id])
        row.posters = posters_total.get(team_id, 0)
        row.people = people.get(team_id, 0)
        rows.append(row)
        total.add(row)
    return rows, total
