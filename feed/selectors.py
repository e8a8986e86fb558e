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

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from feed.models import Comment, Credit, Reaction, Win
from feed.text import handle_for, render_text

FEED_PAGE_SIZE = 20
# Comments shown under a win in the feed; its own page shows them all.
INLINE_COMMENTS = 2


class InvalidCursor(ValueError):
    """The cursor in the URL was not made by `encode_cursor`."""


def encode_cursor(win: Win) -> str:
    raw = f"{win.created_at.isoformat()}|{win.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        return datetime.fromisoformat(created), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor(cursor) from error


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


def wins_with_details(queryset: QuerySet[Win], *, viewer: User) -> QuerySet[Win]:
    """`queryset` with everything a win card shows, loaded in one query per relation."""
    visible_comments = Comment.objects.filter(Q(is_hidden=False) | Q(author_id=viewer.pk))
    return (
        queryset.select_related("author", "author__team", "team")
        .prefetch_related(
            "tags",
            Prefetch("credits", queryset=Credit.objects.select_related("user")),
            Prefetch("reactions", queryset=Reaction.objects.select_related("user")),
            Prefetch(
                "comments",
                queryset=visible_comments.select_related("author").prefetch_related("mentions"),
            ),
        )
        .fetch_mode(models.FETCH_PEERS)
    )


def decorate(wins: list[Win], *, viewer: User) -> list[Win]:
    """Attach what templates show: rendered text, reaction summary, the viewer's reactions."""
    for win in wins:
        credited = [credit.user for credit in win.credits.all()]
        win.credited_people = credited
        win.body_html = render_text(win.body, people={handle_for(p.email): p for p in credited})
        counts = Counter(reaction.kind for reaction in win.reactions.all())
        reacted_by: dict[str, list[User]] = {}
        for reaction in win.reactions.all():
            reacted_by.setdefault(reaction.kind, []).append(reaction.user)
        win.reaction_summary = [
            {
                "kind": kind,
                "label": label,
                "count": counts.get(kind, 0),
                "people": reacted_by.get(kind, []),
                "mine": any(r.user_id == viewer.pk and r.kind == kind for r in win.reactions.all()),
            }
            for kind, label in Reaction.Kind.choices
        ]
        comments = list(win.comments.all())
        for comment in comments:
            people = {handle_for(p.email): p for p in comment.mentions.all()}
            comment.body_html = render_text(comment.body, people=people)
        win.visible_comments = comments
        win.latest_comments = comments[-INLINE_COMMENTS:]
    return wins


def feed_page(
    *,
    viewer: User,
    filters: FeedFilters | None = None,
    cursor: str | None = None,
    limit: int = FEED_PAGE_SIZE,
) -> FeedPage:
    """One page of the feed for `viewer`, newest first. Raises InvalidCursor."""
    filters = filters or FeedFilters()
    wins = Win.objects.visible_to(viewer)
    if filters.team_only:
        wins = wins.filter(team_id=viewer.team_id) if viewer.team_id else wins.none()
    if filters.tag:
        wins = wins.filter(tags__name__iexact=filters.tag)
    if filters.author_id:
        wins = wins.filter(author_id=filters.author_id)
    if cursor:
        created_at, pk = decode_cursor(cursor)
        wins = wins.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    wins = wins.order_by("-created_at", "-id")
    page = list(wins_with_details(wins, viewer=viewer)[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return FeedPage(
        wins=decorate(page, viewer=viewer),
        next_cursor=encode_cursor(page[-1]) if has_more else None,
        filters=filters,
    )


def win_detail(*, viewer: User, pk: int) -> Win:
    """One win with all its details, for its own page. Http404 when not visible."""
    from django.shortcuts import get_object_or_404

    win = get_object_or_404(wins_with_details(Win.objects.visible_to(viewer), viewer=viewer), pk=pk)
    return decorate([win], viewer=viewer)[0]
