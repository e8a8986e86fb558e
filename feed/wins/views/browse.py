"""Pages of the wins feed: the feed itself, narrowed by filters, and a win's own page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from feed.wins import selectors
from feed.wins.cards import compose_box, feed_cards
from feed.wins.models import Tag
from feed.wins.selectors import FeedFilters, FeedPage, InvalidCursor

SCOPE_TEAM = "team"


def _feed_url(params: dict[str, str], **changes: str | None) -> str:
    """The feed's URL with `params`, `changes` applied (a None or empty value drops the key)."""
    merged = {key: value for key, value in {**params, **changes}.items() if value}
    query = urlencode(merged)
    return f"{reverse('feed:home')}?{query}" if query else reverse("feed:home")


@dataclass(frozen=True)
class FeedQuery:
    """What the feed's address asks for: `?scope=team`, `?tag=`, `?author=`, `?cursor=`.

    `tag` and `author` are what the parameters name, None when they name nothing
    (or were not given); the raw parameters are kept, to say so and to link on.
    """

    team_only: bool
    tag_param: str
    author_param: str
    cursor: str | None
    tag: Tag | None
    author: User | None

    @classmethod
    def from_request(cls, request: HttpRequest) -> FeedQuery:
        tag_param = request.GET.get("tag", "").strip().lstrip("#")
        author_param = request.GET.get("author", "").strip()
        tag = selectors.tag_named(name=tag_param) if tag_param else None
        author = None
        if author_param and author_param.isascii() and author_param.isdigit():
            author = selectors.feed_author(pk=int(author_param))
        return cls(
            team_only=request.GET.get("scope") == SCOPE_TEAM,
            tag_param=tag_param,
            author_param=author_param,
            cursor=request.GET.get("cursor", "").strip() or None,
            tag=tag,
            author=author,
        )

    @property
    def unknown_tag(self) -> bool:
        return bool(self.tag_param) and self.tag is None

    @property
    def unknown_author(self) -> bool:
        return bool(self.author_param) and self.author is None

    @property
    def filters(self) -> FeedFilters:
        return FeedFilters(
            team_only=self.team_only,
            tag=self.tag.name if self.tag else "",
            author_id=self.author.pk if self.author else None,
        )

    @property
    def params(self) -> dict[str, str]:
        """The filters as the feed's links carry them (a tag by its name, lowercased)."""
        return {
            "scope": SCOPE_TEAM if self.team_only else "",
            "tag": self.tag.name.lower() if self.tag else self.tag_param,
            "author": str(self.author.pk) if self.author else self.author_param,
        }


def _feed_page(viewer: User, query: FeedQuery) -> tuple[FeedPage, str | None, str]:
    """The page of wins `query` asks for, the cursor it was read from, and an error
    to show: a broken cursor gives the first page and says so."""
    filters = query.filters
    if query.unknown_tag or query.unknown_author:
        return FeedPage(wins=[], next_cursor=None, filters=filters), query.cursor, ""
    try:
        page = selectors.feed_page(
            viewer=viewer, filters=filters, cursor=query.cursor, details=False
        )
    except InvalidCursor:
        error = _("That link to an older page of the feed is broken, so here are the newest wins.")
        return selectors.feed_page(viewer=viewer, filters=filters, details=False), None, error
    return page, query.cursor, ""


def _feed_links(params: dict[str, str], page: FeedPage) -> dict[str, str]:
    """The feed's links that keep the other filters: to widen, narrow or go on."""
    return {
        "everyone_url": _feed_url(params, scope=None),
        "team_url": _feed_url(params, scope=SCOPE_TEAM),
        "remove_tag_url": _feed_url(params, tag=None),
        "remove_author_url": _feed_url(params, author=None),
        "more_url": _feed_url(params, cursor=page.next_cursor) if page.next_cursor else "",
        "first_page_url": _feed_url(params),
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The feed, newest first, one cursor page at a time.

    `?scope=team` narrows to the viewer's team, `?tag=name` to a tag and
    `?author=<id>` to a person; they combine. An unknown tag or person gives an
    empty feed that says so. A broken cursor shows the first page with a message
    (status 400). htmx's "Show more" gets only the next cards and button.
    """
    query = FeedQuery.from_request(request)
    page, cursor, cursor_error = _feed_page(request.user, query)
    context = {
        "page": page,
        "cards": feed_cards(request, page.wins),
        "is_first_page": cursor is None,
        "cursor_error": cursor_error,
        "team_only": query.team_only,
        "tag": query.tag,
        "tag_param": query.tag_param,
        "author": query.author,
        "unknown_tag": query.unknown_tag,
        "unknown_author": query.unknown_author,
        "has_filters": bool(query.team_only or query.tag_param or query.author_param),
        **_feed_links(query.params, page),
    }
    if request.htmx and not request.htmx.boosted:
        response = render(request, "wins/home.html#feed-page", context)
    else:
        # The composer sits at the top of the feed (the `compose` partial of wins/win_form.html).
        if cursor is None:
            context["compose_html"] = compose_box(request)
        response = render(request, "wins/home.html", context, status=400 if cursor_error else 200)
    # The same URL answers with a fragment to htmx and a page to the browser.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def win_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A win's own page: the full card and every comment. 404 when not visible.

    The people a public story of this win names may withdraw from here: the
    template asks highlights (`{% open_highlight_for %}`, `highlight_tags`)."""
    win = selectors.win_detail(viewer=request.user, pk=pk)
    return render(request, "wins/win_detail.html", {"win": win})
