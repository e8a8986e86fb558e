"""
Reads about wins, with their related rows loaded in a constant number of queries.

Every list starts from `Win.objects.visible_to(viewer)`. Pages are cut by a
cursor on (created_at, id), never by OFFSET, so page 5,000 costs what page 1 does.
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.fetch_modes import FetchMode
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import ngettext

from accounts.models import User
from feed.wins.models import Comment, Credit, Reaction, Tag, Win
from feed.wins.photos import THUMBNAIL_MAX_SIDE
from feed.wins.text import handle_for, link_mentions, parse_hashtags, render_body, render_text

FEED_PAGE_SIZE = 20
# What `feed.wins.cards` needs of a win to find its card in the cache (and the cursor).
CARD_KEY_FIELDS = ("pk", "created_at", "author_id", "is_hidden", "revision")
# Comments shown under a win in the feed; its own page shows them all.
INLINE_COMMENTS = 2
# Ids beyond PostgreSQL's bigint are refused before they reach a query.
_MAX_ID = 2**63 - 1


class InvalidCursor(ValueError):
    """The cursor in the URL was not made by `encode_cursor`."""


def encode_cursor(win: Win) -> str:
    raw = f"{win.created_at.isoformat()}|{win.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The (created_at, id) of the last win of the previous page. Raises InvalidCursor."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        moment, number = datetime.fromisoformat(created), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(cursor) from error
    # A hand-made cursor could hold a naive time or an id the database cannot compare.
    if moment.tzinfo is None or not 0 < number <= _MAX_ID:
        raise InvalidCursor(cursor)
    return moment, number


def after_cursor(wins: QuerySet[Win], *, created_at: datetime, pk: int) -> QuerySet[Win]:
    """The wins that come after the cursor, newest first.

    The plain `created_at <= t` beside the OR lets the database walk the
    (created_at, id) index from the cursor instead of filtering from the top.
    """
    return wins.filter(
        Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk),
        created_at__lte=created_at,
    )


@dataclass(frozen=True)
class FeedFilters:
    """What the reader narrowed the feed to. Empty means everything they may see."""

    team_only: bool = False
    tag: str = ""
    author_id: int | None = None


@dataclass
class FeedPage:
    wins: list[Win]
    next_cursor: str | None
    filters: FeedFilters = field(default_factory=FeedFilters)


def wins_with_details(
    queryset: QuerySet[Win], *, viewer: User, fetch_mode: FetchMode = models.FETCH_PEERS
) -> QuerySet[Win]:
    """`queryset` with everything a win card shows, loaded in one query per relation.

    `fetch_mode` applies to the wins and to every related row loaded with them.
    FETCH_PEERS (the default) turns a forgotten relation into one query for the
    whole page instead of one per card; tests pass FETCH_RAISE so that any field
    a card reads without it being loaded here fails loudly.
    """
    visible_comments = Comment.objects.filter(Q(is_hidden=False) | Q(author_id=viewer.pk))
    return (
        queryset.select_related("author", "author__team", "team")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.fetch_mode(fetch_mode)),
            Prefetch(
                "credits",
                queryset=Credit.objects.select_related("user").fetch_mode(fetch_mode),
            ),
            Prefetch(
                "reactions",
                queryset=Reaction.objects.select_related("user").fetch_mode(fetch_mode),
            ),
            Prefetch(
                "comments",
                queryset=visible_comments.select_related("author")
                .prefetch_related(
                    Prefetch("mentions", queryset=User.objects.fetch_mode(fetch_mode))
                )
                .fetch_mode(fetch_mode),
            ),
        )
        .fetch_mode(fetch_mode)
    )


class _Urls:
    """URLs for many ids at once: `reverse()` once per URL name, then the id put in place.

    A page of cards links each win and person several times; reversing every link
    was a good part of its render time. Made per `decorate` call, so the active
    language (and any URL prefix) is the one of the request being answered.
    """

    # An id no row has, to find where the id goes in a reversed URL.
    _MARK = 918273645

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, pk: int) -> str:
        pattern = self._patterns.get(name)
        if pattern is None:
            url = reverse(name, kwargs={"pk": self._MARK})
            before, _, after = url.partition(str(self._MARK))
            pattern = self._patterns[name] = (before, after)
        return f"{pattern[0]}{pk}{pattern[1]}"

    def person(self, person: User) -> User:
        """`person` with `profile_url` set, for the card's links to people."""
        person.profile_url = self("accounts:profile", person.pk)
        return person


def decorate(wins: list[Win], *, viewer: User) -> list[Win]:
    """Attach what templates show: the text as HTML (`text_html`, on wins and
    comments), reaction summary, the viewer's reactions.

    Also `reacted_people` (everyone who reacted, once each, first reaction first),
    `thumbnail_width` (for `srcset`; None without a smaller thumbnail) and `chip_tags`
    (the tags not already linked as a `#hashtag` in the text, shown as chips,
    each with its `feed_url`). The card's links are built here, once per kind of
    link: `win.urls` (its page, edit, delete, report, react, comment), `profile_url`
    on every person shown, `delete_url` and `report_url` on every comment.
    """
    urls = _Urls()
    # Labels are lazy translations: translated once here, not at every use in every card.
    labels = [(kind, str(label)) for kind, label in Reaction.Kind.choices]
    tag_prefix = reverse("feed:home") + "?tag="
    for win in wins:
        urls.person(win.author)
        win.urls = {
            "detail": urls("feed:win_detail", win.pk),
            "edit": urls("feed:win_edit", win.pk),
            "delete": urls("feed:win_delete", win.pk),
            "report": urls("feed:report_win", win.pk),
            "react": urls("feed:react", win.pk),
            "comment": urls("feed:comment_create", win.pk),
        }
        credited = [urls.person(credit.user) for credit in win.credits.all()]
        win.credited_people = credited
        # Stored when the win was saved; rendered here only for a row written without it.
        win.text_html = link_mentions(
            win.body_html or render_body(win.body),
            people={handle_for(p.email): p for p in credited},
        )
        win.thumbnail_width = _thumbnail_width(win)
        inline = {name.lower() for name in parse_hashtags(win.body)}
        win.chip_tags = [tag for tag in win.tags.all() if tag.name.lower() not in inline]
        for tag in win.chip_tags:
            tag.feed_url = tag_prefix + quote(tag.name.lower(), safe="/")
        _decorate_reactions(win, viewer=viewer, urls=urls, labels=labels)
        _decorate_comments(win, urls=urls)
    return wins


def _decorate_reactions(
    win: Win, *, viewer: User, urls: _Urls, labels: list[tuple[str, str]]
) -> None:
    """`reacted_people` and `reaction_summary` (one per kind, in `labels` order)."""
    counts = Counter(reaction.kind for reaction in win.reactions.all())
    reacted = {(reaction.user_id, reaction.kind) for reaction in win.reactions.all()}
    reacted_by: dict[str, list[User]] = {}
    for reaction in win.reactions.all():
        reacted_by.setdefault(reaction.kind, []).append(urls.person(reaction.user))
    win.reacted_people = list(
        {reaction.user_id: reaction.user for reaction in win.reactions.all()}.values()
    )
    win.reaction_summary = [
        _reaction_summary(
            kind,
            label,
            people=reacted_by.get(kind, []),
            count=counts.get(kind, 0),
            mine=(viewer.pk, kind) in reacted,
        )
        for kind, label in labels
    ]


def _decorate_comments(win: Win, *, urls: _Urls) -> None:
    """Each comment's links and text; `visible_comments` and `latest_comments`."""
    comments = list(win.comments.all())
    for comment in comments:
        urls.person(comment.author)
        comment.delete_url = urls("feed:comment_delete", comment.pk)
        comment.report_url = urls("feed:report_comment", comment.pk)
        people = {handle_for(p.email): p for p in comment.mentions.all()}
        comment.text_html = render_text(comment.body, people=people)
    win.visible_comments = comments
    win.latest_comments = comments[-INLINE_COMMENTS:]


def _reaction_summary(kind: str, label: str, *, people: list[User], count: int, mine: bool) -> dict:
    """One button of the reactions bar; its texts made here rather than in a loop of the card."""
    return {
        "kind": kind,
        "label": label,
        "count": count,
        "people": people,
        "mine": mine,
        # The button's tooltip: "Love: Ana, Luis", or the label alone.
        "title": f"{label}: {', '.join(p.display_name for p in people)}" if people else label,
        # What a screen reader says for the button.
        "spoken": ngettext(
            "%(label)s: %(counter)s reaction", "%(label)s: %(counter)s reactions", count
        )
        % {"label": label, "counter": count},
    }


def _thumbnail_width(win: Win) -> int | None:
    """The thumbnail's width, or None when there is none or it is as wide as the image
    (a photo no larger than a thumbnail): `srcset` may not offer two images of one width."""
    if not (win.thumbnail and win.image_width and win.image_height):
        return None
    longest = max(win.image_width, win.image_height)
    if longest <= THUMBNAIL_MAX_SIDE:
        return None
    return max(1, round(win.image_width * THUMBNAIL_MAX_SIDE / longest))


def cursor_page(
    wins: QuerySet[Win],
    *,
    viewer: User,
    cursor: str | None,
    limit: int,
    filters: FeedFilters | None = None,
    details: bool = True,
) -> FeedPage:
    """One page of `wins`, newest first, after `cursor`. Raises InvalidCursor.

    With `details=False` the wins come bare (`CARD_KEY_FIELDS`, and whether the
    viewer commented on each: `reader_commented`), for `feed.wins.cards`, which loads
    the details of the cards it does not have.
    """
    if cursor:
        created_at, pk = decode_cursor(cursor)
        wins = after_cursor(wins, created_at=created_at, pk=pk)
    wins = wins.order_by("-created_at", "-id")
    if details:
        wins = wins_with_details(wins, viewer=viewer)
    else:
        commented = Comment.objects.filter(win=OuterRef("pk"), author_id=viewer.pk)
        wins = wins.only(*CARD_KEY_FIELDS).annotate(reader_commented=Exists(commented))
    page = list(wins[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return FeedPage(
        wins=decorate(page, viewer=viewer) if details else page,
        next_cursor=encode_cursor(page[-1]) if has_more else None,
        filters=filters or FeedFilters(),
    )


def feed_page(
    *,
    viewer: User,
    filters: FeedFilters | None = None,
    cursor: str | None = None,
    limit: int = FEED_PAGE_SIZE,
    details: bool = True,
) -> FeedPage:
    """One page of the feed for `viewer`, newest first. Raises InvalidCursor.

    `details=False`: bare wins for `feed.wins.cards.feed_cards` (see `cursor_page`).
    """
    filters = filters or FeedFilters()
    wins = Win.objects.visible_to(viewer)
    if filters.team_only:
        wins = wins.filter(team_id=viewer.team_id) if viewer.team_id else wins.none()
    if filters.tag:
        wins = wins.filter(tags__name__iexact=filters.tag)
    if filters.author_id:
        wins = wins.filter(author_id=filters.author_id)
    return cursor_page(
        wins, viewer=viewer, cursor=cursor, limit=limit, filters=filters, details=details
    )


def tag_named(*, name: str) -> Tag | None:
    """The tag called `name` (case-insensitively, with or without `#`), or None."""
    name = name.strip().lstrip("#")
    if not name or len(name) > Tag._meta.get_field("name").max_length:
        return None
    return Tag.objects.filter(name__iexact=name).first()


def feed_author(*, pk: int) -> User | None:
    """An active person whose wins the feed can be narrowed to, or None."""
    if not 0 < pk <= _MAX_ID:
        return None
    return User.objects.filter(pk=pk, is_active=True).select_related("team").first()


def win_detail(*, viewer: User, pk: int) -> Win:
    """One win with all its details, for its own page. Http404 when not visible."""
    win = get_object_or_404(wins_with_details(Win.objects.visible_to(viewer), viewer=viewer), pk=pk)
    return decorate([win], viewer=viewer)[0]


# --------------------------------------------------------------------------
# A person's page
# --------------------------------------------------------------------------
def _person_wins_queryset(*, viewer: User, person: User, credited: bool) -> QuerySet[Win]:
    wins = Win.objects.visible_to(viewer)
    if credited:
        return wins.filter(pk__in=Credit.objects.filter(user=person).values("win_id"))
    return wins.filter(author=person)


def person_wins(
    *,
    viewer: User,
    person: User,
    credited: bool = False,
    cursor: str | None = None,
    limit: int = FEED_PAGE_SIZE,
) -> FeedPage:
    """`person`'s wins (or the wins they were credited on) that `viewer` may see,
    newest first, one cursor page at a time. Raises InvalidCursor."""
    wins = _person_wins_queryset(viewer=viewer, person=person, credited=credited)
    return cursor_page(wins, viewer=viewer, cursor=cursor, limit=limit)


@dataclass(frozen=True)
class PersonCounts:
    posted: int
    credited: int
    reactions_received: int


def person_counts(*, viewer: User, person: User) -> PersonCounts:
    """How many of `person`'s wins `viewer` may see, how many credit them, and the
    reactions on the former: one query, counting only what `viewer` may see."""
    credit = Credit.objects.filter(win=OuterRef("pk"), user=person)
    credit_ids = Credit.objects.filter(user=person).values("win_id")
    mine = Q(author_id=person.pk)
    totals = (
        Win.objects.visible_to(viewer)
        .filter(mine | Q(pk__in=credit_ids))
        .aggregate(
            posted=Count("pk", filter=mine),
            credited=Count("pk", filter=Exists(credit)),
            reactions=Coalesce(Sum("reaction_count", filter=mine), 0),
        )
    )
    return PersonCounts(
        posted=totals["posted"],
        credited=totals["credited"],
        reactions_received=totals["reactions"],
    )
