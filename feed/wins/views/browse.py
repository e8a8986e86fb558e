"""Pages of the wins feed: the feed itself, narrowed by filters, and a win's own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from feed.wins import selectors
from feed.wins.cards import compose_box, feed_cards
from feed.wins.selectors import FeedFilters, FeedPage, InvalidCursor

SCOPE_TEAM = "team"


def _feed_url(params: dict[str, str], **changes: str | None) -> str:
    """The feed's URL with `params`, `changes` applied (a None or empty value drops the key)."""
    merged = {key: value for key, value in {**params, **changes}.items() if value}
    query = urlencode(merged)
    return f"{reverse('feed:home')}?{query}" if query else reverse("feed:home")


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The feed, newest first, one cursor page at a time.

    `?scope=team` narrows to the viewer's team, `?tag=name` to a tag and
    `?author=<id>` to a person; they combine. An unknown tag or person gives an
    empty feed that says so. A broken cursor shows the first page with a message
    (status 400). htmx's "Show more" gets only the next cards and button.
    """
    team_only = request.GET.get("scope") == SCOPE_TEAM
    tag_param = request.GET.get("tag", "").strip().lstrip("#")
    author_param = request.GET.get("author", "").strip()
    cursor = request.GET.get("cursor", "").strip() or None

    tag = selectors.tag_named(name=tag_param) if tag_param else None
    author = None
    if author_param:
        author = (
            selectors.feed_author(pk=int(author_param))
            if author_param.isascii() and author_param.isdigit()
            else None
        )
    unknown_tag = bool(tag_param) and tag is None
    unknown_author = bool(author_param) and author is None

    params = {
        "scope": SCOPE_TEAM if team_only else "",
        "tag": tag.name.lower() if tag else tag_param,
        "author": str(author.pk) if author else author_param,
    }
    filters = FeedFilters(
        team_only=team_only,
        tag=tag.name if tag else "",
        author_id=author.pk if author else None,
    )
    cursor_error = ""
    if unknown_tag or unknown_author:
        page = FeedPage(wins=[], next_cursor=None, filters=filters)
    else:
        try:
            page = selectors.feed_page(
                viewer=request.user, filters=filters, cursor=cursor, details=False
            )
        except InvalidCursor:
            cursor_error = _(
                "That link to an older page of the feed is broken, so here are the newest wins."
            )
            cursor = None
            page = selectors.feed_page(viewer=request.user, filters=filters, details=False)

    context = {
        "page": page,
        "cards": feed_cards(request, page.wins),
        "is_first_page": cursor is None,
        "cursor_error": cursor_error,
        "team_only": team_only,
        "tag": tag,
        "tag_param": tag_param,
        "author": author,
        "unknown_tag": unknown_tag,
        "unknown_author": unknown_author,
        "has_filters": bool(team_only or tag_param or author_param),
        "everyone_url": _feed_url(params, scope=None),
        "team_url": _feed_url(params, scope=SCOPE_TEAM),
        "remove_tag_url": _feed_url(params, tag=None),
        "remove_author_url": _feed_url(params, author=None),
        "more_url": _feed_url(params, cursor=page.next_cursor) if page.next_cursor else "",
        "first_page_url": _feed_url(params),
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
