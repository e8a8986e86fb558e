"""
Demo wins: eight weeks of a company's small wins, for `manage.py seed_demo`.

The demo people (`feed.demo.people`) post wins in their own language (mostly),
credit coworkers with `@mentions`, tag them with the organisation's values and
topic `#hashtags`, keep some for their team, attach an illustration to about a
third, edit a few, and react to and comment on each other's wins.

Two ways in, one plan. Every win is first *planned* in memory (author, text,
time, credits, reactions, comments, picture: `feed.demo.planning`) from a
seeded `random.Random`, so the same database gets the same wins. The first
`CURATED_WINS` are then posted through `feed.wins.services` (`win_create`,
`win_update`), exactly as the composer would, with the pictures of
`feed.demo.pictures` stored as uploads are; any beyond that (benchmarks:
hundreds of thousands) are written with `bulk_create` in batches, with the
same tags and credits but no pictures, and get their search documents
(`feed.wins.search`) batch by batch. Reactions and comments are bulk-created in
both cases and the counters then set from the rows in one UPDATE each. On
PostgreSQL the tables are ANALYZEd at the end.

Idempotency: `seed_wins(count=M)` *tops up* the wins written by demo people
(addresses at the demo domain) to M. It counts them and plans only the missing
ones, so a second run with the same M creates nothing, a larger M adds the
difference, and a bulk seed that was interrupted resumes where its last
committed batch ended. A marker in each win would show in the feed and a
bookkeeping table would need a model for demo data; the count needs neither.
The cost: wins that demo people post by hand count towards M.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from feed.demo.cast import Person, load_cast
from feed.demo.people import DEMO_DOMAIN
from feed.demo.pictures import alt_text, picture_files
from feed.demo.planning import Plan, Planner
from feed.demo.timing import posting_times
from feed.demo.values import ensure_values
from feed.notifications.services import notifications_muted
from feed.wins.models import Comment, Credit, Reaction, Tag, Win
from feed.wins.search import win_search_vector_update
from feed.wins.services import win_create, win_update
from feed.wins.tags import tags_for
from feed.wins.text import parse_hashtags, render_body

DEFAULT_WINS = 160
SEED = 2026

# Wins posted one by one through the services, with pictures. Enough for a
# feed that feels lived in; beyond it each win costs a dozen queries, so the
# rest go through the bulk path.
CURATED_WINS = 200
# Wins per INSERT on the bulk path: ~100 round trips for 200,000 wins, while a
# batch of 17-column rows stays under PostgreSQL's 65,535 bind parameters
# (Django splits further for SQLite's lower limit) and each batch commits on
# its own, so an interrupted seed keeps what it wrote and resumes from there.
WIN_BATCH_SIZE = 2000
# Reactions, comments, credits and tag links of one batch: 4 to 6 columns each.
ROW_BATCH_SIZE = 5000


@dataclass
class WinSeedSummary:
    """What `seed_wins` wrote, for the command's closing line."""

    created: int = 0
    existing: int = 0
    reactions: int = 0
    comments: int = 0
    credits: int = 0
    images: int = 0
    edited: int = 0
    team_only: int = 0
    values_created: int = 0


def _set_counters(wins: Sequence[int] | tuple[int, int]) -> None:
    """Set `reaction_count` and `comment_count` from the rows, one UPDATE each.

    `wins` is a list of ids or an inclusive (first, last) id range. Counting the
    rows makes the counters right for any win in the range, whoever wrote it.
    """
    scope = (
        Win.objects.filter(pk__gte=wins[0], pk__lte=wins[1])
        if isinstance(wins, tuple)
        else Win.objects.filter(pk__in=wins)
    )
    for counter, model in (("reaction_count", Reaction), ("comment_count", Comment)):
        rows = (
            model.objects.filter(win=OuterRef("pk"))
            .order_by()
            .values("win")
            .annotate(total=Count("pk"))
            .values("total")
        )
        scope.update(**{counter: Coalesce(Subquery(rows), 0)})


def _write_reactions_and_comments(pairs: Sequence[tuple[int, Plan]]) -> tuple[int, int]:
    reactions = [
        Reaction(win_id=win_id, user_id=person.pk, kind=kind, created_at=at)
        for win_id, plan in pairs
        for person, kind, at in plan.reactions
    ]
    Reaction.objects.bulk_create(reactions, batch_size=ROW_BATCH_SIZE)
    comments: list[Comment] = []
    mentions: list[list[Person]] = []
    for win_id, plan in pairs:
        for person, text, at, mentioned in plan.comments:
            comments.append(Comment(win_id=win_id, author_id=person.pk, body=text, created_at=at))
            mentions.append(mentioned)
    Comment.objects.bulk_create(comments, batch_size=ROW_BATCH_SIZE)
    Comment.mentions.through.objects.bulk_create(
        [
            Comment.mentions.through(comment_id=comment.pk, user_id=person.pk)
            for comment, people in zip(comments, mentions, strict=True)
            for person in {p.pk: p for p in people if p.pk != comment.author_id}.values()
        ],
        batch_size=ROW_BATCH_SIZE,
    )
    return len(reactions), len(comments)


def _write_curated(plans: list[Plan], summary: WinSeedSummary, report: Callable[[], None]) -> None:
    """Post each win through the services, as the composer does; pictures drawn in parallel."""
    specs = [plan.picture for plan in plans if plan.picture]
    # Encoding (most of a picture's cost) releases the GIL, so threads use every
    # core. All pictures are drawn first: busy threads next to a thread waiting on
    # the database would make it queue for the GIL after every query.
    with ThreadPoolExecutor() as pool:
        files = dict(zip(specs, pool.map(picture_files, specs), strict=True))
    needed = {p.author.pk for p in plans} | {c.pk for p in plans for c in p.credited}
    users = User.objects.in_bulk(needed)
    posted: list[tuple[Win, Plan]] = []
    # Old wins notify nobody now: `feed.demo.notifications` writes their history.
    with transaction.atomic(), notifications_muted():
        for plan in plans:
            author = users[plan.author.pk]
            display, thumbnail = files.get(plan.picture, (None, None))
            credited = [users[p.pk] for p in plan.credited]
            win = win_create(
                author=author,
                body=plan.body,
                visibility=plan.visibility,
                tag_names=plan.values,
                credited=credited,
                image=display,
                thumbnail=thumbnail,
                image_alt=alt_text(plan.picture) if plan.picture else "",
            )
            win.created_at = plan.created_at
            if plan.edit:
                win = win_update(win=win, editor=author, body=plan.edit[0],
                                 visibility=plan.visibility, tag_names=plan.values,
                                 credited=credited)  # fmt: skip
                win.edited_at = plan.edit[1]
                summary.edited += 1
            summary.images += int(display is not None)
            posted.append((win, plan))
            report()
        Win.objects.bulk_update([w for w, _p in posted], ["created_at", "edited_at"],
                                batch_size=500)  # fmt: skip
        ids = [win.pk for win, _plan in posted]
        Credit.objects.filter(win_id__in=ids).update(
            created_at=Subquery(Win.objects.filter(pk=OuterRef("win_id")).values("created_at"))
        )
        reactions, comments = _write_reactions_and_comments([(w.pk, p) for w, p in posted])
        _set_counters(ids)
    summary.reactions += reactions
    summary.comments += comments
    summary.credits += sum(len(plan.credits) for plan in plans)


class _TagIds:
    """Tag ids by lowercased name, created through `tags_for` when new."""

    def __init__(self) -> None:
        self.ids = {name.lower(): pk for pk, name in Tag.objects.values_list("pk", "name")}

    def __call__(self, names: Sequence[str]) -> list[int]:
        missing = [n for n in names if n.lower() not in self.ids]
        for tag in tags_for(names=missing) if missing else []:
            self.ids[tag.name.lower()] = tag.pk
        return list(dict.fromkeys(self.ids[n.lower()] for n in names if n.lower() in self.ids))


def _write_bulk(plans: list[Plan], tag_ids: _TagIds, summary: WinSeedSummary) -> None:
    """One batch of wins with their tags, credits, reactions and comments, in one transaction."""
    with transaction.atomic():
        wins = Win.objects.bulk_create(
            [
                Win(
                    author_id=plan.author.pk,
                    body=plan.edit[0] if plan.edit else plan.body,
                    body_html=render_body(plan.edit[0] if plan.edit else plan.body),
                    visibility=plan.visibility,
                    team_id=plan.author.team_id,
                    created_at=plan.created_at,
                    edited_at=plan.edit[1] if plan.edit else None,
                )
                for plan in plans
            ],
            batch_size=WIN_BATCH_SIZE,
        )
        pairs = [(win.pk, plan) for win, plan in zip(wins, plans, strict=True)]
        Win.tags.through.objects.bulk_create(
            [
                Win.tags.through(win_id=win_id, tag_id=tag_id)
                for win_id, plan in pairs
                for tag_id in tag_ids([*parse_hashtags(plan.body), *plan.values])
            ],
            batch_size=ROW_BATCH_SIZE,
        )
        credits = [
            Credit(win_id=win_id, user_id=person.pk, created_at=plan.created_at)
            for win_id, plan in pairs
            for person in plan.credits
        ]
        Credit.objects.bulk_create(credits, batch_size=ROW_BATCH_SIZE)
        reactions, comments = _write_reactions_and_comments(pairs)
        ids = [win_id for win_id, _plan in pairs]
        _set_counters((min(ids), max(ids)))
        win_search_vector_update(*ids)
    summary.reactions += reactions
    summary.comments += comments
    summary.credits += len(credits)
    summary.edited += sum(plan.edit is not None for plan in plans)


def _refresh_statistics() -> None:
    """Have PostgreSQL re-sample the tables just filled.

    Query plans come from table statistics that autovacuum refreshes only after
    a while. Right after a bulk load they still describe nearly empty tables,
    and the feed's prefetches get planned as hash joins over every person: a
    benchmark run then would measure a database no production site has.
    """
    if connection.vendor != "postgresql":
        return
    models = (Win, Win.tags.through, Credit, Reaction, Comment, Comment.mentions.through, User)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _demo_wins_count() -> int:
    """How many wins the demo people have written.

    Counted per author and summed here: joined on a suffix LIKE of the email,
    PostgreSQL guesses that one person matches and visits every person's wins
    one by one (2 s at 200,000 wins, against 0.2 s this way).
    """
    people = set(
        User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").values_list("pk", flat=True)
    )
    per_author = Win.objects.order_by().values_list("author_id").annotate(total=Count("pk"))
    return sum(total for author_id, total in per_author if author_id in people)


def seed_wins(
    *,
    count: int = DEFAULT_WINS,
    progress: Callable[[int, int], None] | None = None,
    rng: random.Random | None = None,
) -> WinSeedSummary:
    """Top the demo people's wins up to `count`; see the module docstring.

    Needs the demo people (`feed.demo.people.seed_people`) first; with none, it
    creates nothing. Deterministic for a given database and `rng`.
    """
    summary = WinSeedSummary(values_created=ensure_values())
    summary.existing = _demo_wins_count()
    missing = max(0, count - summary.existing)
    if not missing:
        return summary
    now = timezone.now()
    # Seeded by what is already there, so a top-up does not repeat the first run's choices.
    rng = rng or random.Random(f"{SEED}:{summary.existing}")
    start = summary.existing
    curated = max(0, min(missing, CURATED_WINS - start))
    done = 0

    def report(step: int = 1) -> None:
        nonlocal done
        done += step
        if progress:
            progress(done, missing)

    if curated and not _seed_curated(
        rng, summary, first=start, count=curated, now=now, report=report
    ):
        return summary
    if missing > curated and not _seed_bulk(
        rng, summary, first=start + curated, count=missing - curated, now=now, report=report
    ):
        return summary
    _refresh_statistics()
    return summary


def _seed_curated(
    rng: random.Random,
    summary: WinSeedSummary,
    *,
    first: int,
    count: int,
    now: datetime,
    report: Callable[[], None],
) -> bool:
    """Plan and post the seed's wins `first` to `first + count` through the services,
    by the named people; False (and nothing written) when there is nobody to write."""
    cast = load_cast(named_only=True)
    if cast is None:
        return False
    planner = Planner(rng, cast, now=now, rich=True)
    times = posting_times(rng, count=count, now=now)
    plans = [planner.plan(first + i, times[i]) for i in range(count)]
    _write_curated(plans, summary, report)
    summary.created += count
    summary.team_only += sum(p.visibility == Win.Visibility.TEAM for p in plans)
    return True


def _seed_bulk(
    rng: random.Random,
    summary: WinSeedSummary,
    *,
    first: int,
    count: int,
    now: datetime,
    report: Callable[[int], None],
) -> bool:
    """Plan and bulk-write the seed's wins `first` to `first + count`, by everyone, in
    batches that commit one by one; False (and nothing written) when there is nobody."""
    cast = load_cast(named_only=False)
    if cast is None:
        return False
    planner = Planner(rng, cast, now=now, rich=False)
    tag_ids = _TagIds()
    # Its own spread over the weeks, so curated wins are not all the oldest or newest.
    times = posting_times(rng, count=count, now=now)
    for batch, offset in enumerate(range(0, count, WIN_BATCH_SIZE), start=1):
        last = min(offset + WIN_BATCH_SIZE, count)
        plans = [planner.plan(first + i, times[i]) for i in range(offset, last)]
        _write_bulk(plans, tag_ids, summary)
        summary.created += len(plans)
        summary.team_only += sum(p.visibility == Win.Visibility.TEAM for p in plans)
        report(len(plans))
        # Each batch's UPDATEs (counters, search documents) look rows up by win
        # id; planned from statistics of near-empty tables they scan whole
        # tables instead, and the load turns quadratic. Re-sampling whenever
        # the load has doubled keeps the plans right for O(log n) ANALYZEs.
        if batch & (batch - 1) == 0:
            _refresh_statistics()
    return True
