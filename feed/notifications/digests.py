"""
The weekly manager digest: what a manager's people shared last week.

Every manager (anyone with active people reporting to them) gets one email on
Monday from 08:00 in their own time zone and language, about the week before:
their reports' wins grouped by person, the most celebrated ones, team totals
and links into the app. Whose wins it gathers is the manager's choice
(`EmailPreference.scope`): their direct reports, or everyone under them, found with
one recursive query on SQLite and PostgreSQL alike.

What a manager reads is what the feed would show them: wins come from
`Win.objects.visible_to(manager)`, so a team-only win of another team never
appears, and hidden (moderated) wins are left out even for staff.

Three parts, each with one job:

- `digest_build` is a selector: the digest of one manager for one period, in
  a constant number of queries whatever the size of the team, or None when
  there is nothing to say.
- `digests_plan` says who gets a digest (managers) and what it would say (how
  many wins); the shared planner (`feed.notifications.planning`) walks them in
  chunks (memory stays flat at any size) and records one `Email` row per
  manager who is due and has something to say, once per week whatever runs
  twice, handed to workers in batches after each chunk's commit.
- `digest_email_context` is the message builder `feed.notifications.emails`
  calls when a row is sent: it builds the digest again, so a win hidden or a
  preference turned off in the meantime is respected.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailPreference, User
from feed.notifications.kinds import EmailKind
from feed.notifications.models import Email
from feed.notifications.names import mention_names, named_excerpt
from feed.notifications.periods import Period, period_from_key, previous_week
from feed.notifications.planning import Plan, emails_plan, row_period
from feed.notifications.preferences import preferences_of
from feed.wins.media import Thumbnail, win_thumbnail
from feed.wins.models import Credit, Win
from wins_net.links import absolute_url

# The most celebrated wins (reactions and comments) shown at the top of the digest,
# when the week had more wins than that.
TOP_WINS = 3
# Wins shown per person; the rest are counted, behind a link to their page.
WINS_PER_PERSON = 5
# Wins shown in one digest, shared out among the people who posted (one each at
# least, while they last). About 1.3 KB of HTML each: with 60 people the HTML stays
# near 70 KB, below the 102 KB past which Gmail cuts a message and hides its
# unsubscribe link.
EMAIL_WINS = 40
# People who posted, listed one by one (beyond `EMAIL_WINS`, a line each with
# their count); the rest are counted, and the app has them all.
PEOPLE_SHOWN = 100
# A win's text in the digest, on one line: enough to know what it is about.
EXCERPT_CHARS = 280

# People whose wins are fetched by a list of their ids; more, by a subquery.
IN_LIST_MAX = 1000

ISO_WEEK = re.compile(r"^\d{4}-W\d{2}$")


# --------------------------------------------------------------------------
# What a digest holds
# --------------------------------------------------------------------------
@dataclass
class DigestWin:
    pk: int
    url: str  # absolute
    author: User
    excerpt: str
    created_at: datetime
    team_only: bool
    reactions: int
    comments: int
    credited: list[str]
    thumbnail: Thumbnail | None

    @property
    def celebration(self) -> int:
        return self.reactions + self.comments


@dataclass
class DigestPerson:
    person: User
    url: str  # absolute, their page
    wins: list[DigestWin] = field(default_factory=list)
    shown: int = WINS_PER_PERSON  # how many of `wins` the digest shows

    @property
    def shown_wins(self) -> list[DigestWin]:
        return self.wins[: self.shown]

    @property
    def more_wins(self) -> int:
        return max(0, len(self.wins) - self.shown)

    @property
    def reactions(self) -> int:
        return sum(win.reactions for win in self.wins)

    @property
    def comments(self) -> int:
        return sum(win.comments for win in self.wins)


@dataclass(frozen=True)
class DigestTotals:
    wins: int
    posters: int  # people who shared at least one win
    people: int  # everyone the digest is about
    reactions: int
    comments: int


@dataclass
class Digest:
    manager: User
    period: Period
    scope: str  # EmailPreference.DigestScope
    posters: list[DigestPerson]  # people with wins, by name
    # People without wins, by name: counted in the email, never named (it
    # celebrates what happened; it is not a list of who did nothing).
    quiet: list[User]
    top: list[DigestWin]
    totals: DigestTotals
    feed_url: str
    preview_url: str

    @property
    def first_day(self) -> date:
        return self.period.start.date()

    @property
    def last_day(self) -> date:
        return (self.period.end - timedelta(days=1)).date()

    @property
    def shown_posters(self) -> list[DigestPerson]:
        return self.posters[:PEOPLE_SHOWN]

    @property
    def more_posters(self) -> int:
        return max(0, len(self.posters) - PEOPLE_SHOWN)

    @property
    def quiet_count(self) -> int:
        return len(self.quiet)

    @property
    def is_tree(self) -> bool:
        return self.scope == EmailPreference.DigestScope.TREE


# --------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------
def this_week(*, time_zone: str, now: datetime | None = None) -> Period:
    """The week under way, Monday to Monday, in `time_zone`: the one next Monday's digest covers."""
    # The week before the one a week from now, computed on local dates, so DST changes
    # in between do not move it.
    return previous_week(time_zone=time_zone, now=(now or timezone.now()) + timedelta(days=7))


def week_named(*, key: str, time_zone: str) -> Period | None:
    """The ISO week `key` ("2026-W47") in `time_zone`, or None when it names no week."""
    if not ISO_WEEK.match(key):
        return None
    try:
        return period_from_key(key=key, time_zone=time_zone)
    except ValueError:
        return None


# --------------------------------------------------------------------------
# Reading: whose wins, which wins
# --------------------------------------------------------------------------
def digest_scope(*, manager: User) -> str:
    """Whose wins `manager`'s digest gathers: their choice, or direct reports."""
    return preferences_of(manager).digest_scope


def _tree_ids(manager_id: int) -> RawSQL:
    """Everyone under `manager_id`, at any depth, as a subquery of ids.

    The SQL holds only names from the model, quoted; the id is a parameter.

    `UNION` (not `UNION ALL`) drops rows already found, so a loop in the
    reporting lines (A reports to B, B to A) ends instead of recursing forever.
    Written for SQLite and PostgreSQL: both accept a recursive CTE in `IN (...)`.
    """
    quote = connection.ops.quote_name
    table = quote(User._meta.db_table)
    pk = quote(User._meta.pk.column)
    manager = quote(User._meta.get_field("manager").column)
    sql = (
        f"WITH RECURSIVE tree(id) AS ("  # noqa: S608 - quoted names from the model
        f"SELECT {pk} FROM {table} WHERE {manager} = %s "
        f"UNION SELECT person.{pk} FROM {table} person JOIN tree ON person.{manager} = tree.id"
        f") SELECT id FROM tree"
    )
    return RawSQL(sql, [manager_id])  # noqa: S611 - no outside text in the SQL, see above


def digest_people(*, manager: User, scope: str) -> QuerySet[User]:
    """The active people `manager`'s digest is about: direct reports, or the whole tree."""
    if scope == EmailPreference.DigestScope.TREE:
        people = User.objects.filter(pk__in=_tree_ids(manager.pk))
    else:
        people = User.objects.filter(manager_id=manager.pk)
    return people.filter(is_active=True).exclude(pk=manager.pk)


def digest_wins(
    *, manager: User, people: QuerySet[User] | list[int], period: Period
) -> QuerySet[Win]:
    """Wins of `people` (a queryset or ids) posted in `period` that `manager` may
    see, never hidden ones."""
    return Win.objects.visible_to(manager).filter(
        author__in=people,
        created_at__gte=period.start,
        created_at__lt=period.end,
        is_hidden=False,
    )


class _Urls:
    """Absolute URLs for many ids: `reverse()` once per URL name, then the id put in place."""

    _MARK = 918273645  # an id no row has

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        if name not in self._patterns:
            before, _mark, after = reverse(name, kwargs={"pk": self._MARK}).partition(
                str(self._MARK)
            )
            self._patterns[name] = (absolute_url(before), after)
        before, after = self._patterns[name]
        return f"{before}{pk}{after}"


# The fields of a win the digest shows.
WIN_FIELDS = (
    "pk",
    "author",
    "body",
    "visibility",
    "created_at",
    "reaction_count",
    "comment_count",
    "thumbnail",
    "image_width",
    "image_height",
    "image_alt",
    "image_status",
)


def digest_build(*, manager: User, period: Period, scope: str | None = None) -> Digest | None:
    """The digest of `manager` for `period`, or None when there is nothing to say.

    Nothing to say: no active reports, or none of their wins in the period is
    visible to the manager. `scope` defaults to the manager's preference. Four
    queries (preference, people, wins, credits) at any team size; people
    without wins are listed as quiet, and the totals count everyone.
    """
    scope = scope or digest_scope(manager=manager)
    people_query = digest_people(manager=manager, scope=scope)
    people = list(
        people_query.only("pk", "email", "name", "job_title").fetch_mode(models.FETCH_PEERS)
    )
    if not people:
        return None
    # Their ids, once known, make the wins query an index lookup per person
    # (the tree's recursive query is not run twice, and PostgreSQL does not plan
    # for thousands of people it guessed the tree might hold); a huge tree stays
    # a subquery, within any database's limit of parameters.
    authors = [person.pk for person in people] if len(people) <= IN_LIST_MAX else people_query
    wins = _wins_shown(manager=manager, authors=authors, period=period)
    if not wins:
        return None
    urls = _Urls()
    by_person = {
        person.pk: DigestPerson(person=person, url=urls("accounts:profile", person.pk))
        for person in people
    }
    items = _sort_into(by_person, wins=wins, manager=manager, urls=urls)
    if not items:
        return None
    entries = sorted(by_person.values(), key=lambda entry: _by_name(entry.person))
    posters = [entry for entry in entries if entry.wins]
    _share_out(posters)
    preview = reverse("notifications:digest_preview") + "?" + urlencode({"week": period.key})
    return Digest(
        manager=manager,
        period=period,
        scope=scope,
        posters=posters,
        quiet=[entry.person for entry in entries if not entry.wins],
        top=_most_celebrated(items),
        totals=DigestTotals(
            wins=len(items),
            posters=len(posters),
            people=len(people),
            reactions=sum(item.reactions for item in items),
            comments=sum(item.comments for item in items),
        ),
        feed_url=absolute_url(reverse("feed:home")),
        preview_url=absolute_url(preview),
    )


def _wins_shown(*, manager: User, authors: list[int] | QuerySet[User], period: Period) -> list[Win]:
    """The wins of `authors` in `period` that `manager` may see, oldest first,
    with their credited people: two queries."""
    credits = (
        Credit.objects.select_related("user")
        .only("win", "user__email", "user__name")
        .fetch_mode(models.FETCH_PEERS)
    )
    return list(
        digest_wins(manager=manager, people=authors, period=period)
        .only(*WIN_FIELDS)
        .prefetch_related(Prefetch("credits", queryset=credits))
        .order_by("created_at", "pk")
        .fetch_mode(models.FETCH_PEERS)
    )


def _sort_into(
    by_person: dict[int, DigestPerson], *, wins: list[Win], manager: User, urls: _Urls
) -> list[DigestWin]:
    """Each win as the digest shows it, added to its author's entry; returns them all."""
    items: list[DigestWin] = []
    names = mention_names(win.body for win in wins)
    for win in wins:
        entry = by_person.get(win.author_id)
        if entry is None:  # joined the tree between the two queries (subquery case)
            continue
        item = DigestWin(
            pk=win.pk,
            url=urls("feed:win_detail", win.pk),
            author=entry.person,
            excerpt=named_excerpt(win.body, chars=EXCERPT_CHARS, names=names),
            created_at=win.created_at,
            team_only=win.visibility == Win.Visibility.TEAM,
            reactions=win.reaction_count,
            comments=win.comment_count,
            credited=[credit.user.display_name for credit in win.credits.all()],
            thumbnail=win_thumbnail(win, recipient=manager),
        )
        entry.wins.append(item)
        items.append(item)
    return items


def _by_name(person: User) -> tuple[str, int]:
    return person.display_name.casefold(), person.pk


def _share_out(posters: list[DigestPerson]) -> None:
    """Share `EMAIL_WINS` out among `posters`, in order: the same number each (at
    most `WINS_PER_PERSON`, one at least) while they last."""
    share = max(1, min(WINS_PER_PERSON, EMAIL_WINS // max(1, len(posters))))
    left = EMAIL_WINS
    for entry in posters:
        entry.shown = min(share, left)
        left -= min(entry.shown, len(entry.wins))


def _most_celebrated(items: list[DigestWin]) -> list[DigestWin]:
    """The `TOP_WINS` wins with the most reactions and comments; none when the
    week had no more wins than that (the top would only repeat it)."""
    if len(items) <= TOP_WINS:
        return []
    celebrated = (item for item in items if item.celebration)
    return sorted(
        celebrated, key=lambda item: (-item.celebration, -item.reactions, item.created_at, item.pk)
    )[:TOP_WINS]


# --------------------------------------------------------------------------
# The email
# --------------------------------------------------------------------------
def digest_email_context(*, email: Email) -> tuple[str, dict] | None:
    """The template and context of a digest row, or None when it is no longer wanted:
    the manager left or turned the digest off, or there is nothing left to say."""
    manager = email.recipient
    if not manager.is_active:
        return None
    wanted = row_period(email)  # one read of the preferences: whether, and whose wins
    if wanted is None:
        return None
    period, preferences = wanted
    digest = digest_build(manager=manager, period=period, scope=preferences.digest_scope)
    if digest is None:
        return None
    return "digest", {"digest": digest}


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class DigestPlan(Plan):
    """One digest recorded (or, in a dry run, that would be)."""

    name: str
    wins: int
    posters: int


def managers() -> QuerySet[User]:
    """Active people with at least one active report."""
    has_reports = User.objects.filter(manager=OuterRef("pk"), is_active=True)
    return User.objects.filter(is_active=True).filter(Exists(has_reports)).order_by("pk")


def _digest_counts(manager: User, period: Period, _kind: EmailKind) -> dict[str, int] | None:
    """How many wins, by how many people, `manager`'s digest of `period` would
    hold; None when none. One query (the preferences are prefetched)."""
    scope = preferences_of(manager).digest_scope
    counts = digest_wins(
        manager=manager, people=digest_people(manager=manager, scope=scope), period=period
    ).aggregate(wins=Count("pk"), posters=Count("author_id", distinct=True))
    return counts if counts["wins"] else None


def digests_plan(
    *,
    now: datetime | None = None,
    force: bool = False,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    skipped: Counter | None = None,
    hand_over: Callable[[list[int]], object] | None = None,
) -> list[DigestPlan]:
    """Record last week's digest of every manager who is due; returns what was planned.

    `feed.notifications.planning.emails_plan` over the managers: due from Monday
    08:00 in the manager's time zone, or at once with `force` (`send_digests`);
    left out and counted in `skipped` (`planning.Skipped`) when turned off, not
    due yet, already recorded, or with nothing to say. With `dry_run` nothing
    is written: the plans say who would get which week and with how many wins.
    Idempotent, chunked, and handed over after each chunk's commit as
    `emails_plan` says.
    """
    planned = emails_plan(
        kinds=[Email.Kind.DIGEST],
        people=managers(),
        says=_digest_counts,
        now=now,
        force=force,
        dry_run=dry_run,
        skipped=skipped,
        progress=progress,
        hand_over=hand_over,
    )
    return [
        DigestPlan(
            **Plan.fields(plan),
            name=plan.person.display_name,
            wins=plan.says["wins"],
            posters=plan.says["posters"],
        )
        for plan in planned
    ]
