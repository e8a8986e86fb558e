"""
The public side of highlights: no login, no session, only public fields.

Every view starts from `feed.highlights.selectors`, which loads nothing but what
the public may see; the templates get those highlights and nothing else. Links
are absolute from `SITE_URL`, whatever host the request came through. Share
links are plain links to each network's own share page: no script, image or
cookie of theirs reaches the reader until the reader follows one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from feed.highlights.dashboard import highlight_view_record, view_is_countable
from feed.highlights.models import Highlight
from feed.highlights.selectors import (
    highlight_gone,
    highlight_moved,
    highlight_public,
    published_highlights,
)
from feed.highlights.share_images import share_image_png
from feed.wins.text import excerpt
from wins_net.links import absolute_url

# A grid of 3 columns on wide screens shows 4 full rows.
HIGHLIGHTS_PER_PAGE = 12
# What the company website needs for a strip of the latest stories.
LATEST_JSON_COUNT = 10
JSON_EXCERPT_CHARS = 280
DESCRIPTION_CHARS = 200
# Other stories under a story, and on the pages of a story gone or never there:
# one row of the grid on a wide screen.
MORE_STORIES = 3
# Public, and short enough that a withdrawal reaches caches soon.
PUBLIC_MAX_AGE = 300


def highlight_url(highlight: Highlight) -> str:
    return absolute_url(reverse("highlights:detail", kwargs={"slug": highlight.slug}))


def image_url(highlight: Highlight) -> str:
    return absolute_url(highlight.image.url) if highlight.image else ""


def public_names(highlight: Highlight) -> list[str]:
    """How the people a story names appear in public, as each of them approved:
    the one source of names for the page, the feeds and the share card."""
    return [person.public_name for person in highlight.people.all()]


@dataclass(frozen=True)
class ShareLink:
    network: str  # a CSS modifier: "linkedin", "x", "email"
    label: str
    url: str


def share_links(*, url: str, title: str) -> list[ShareLink]:
    """Links that open each network's own share page for the story at `url`."""
    on = gettext("Share on %(network)s")
    return [
        ShareLink(
            "linkedin",
            on % {"network": "LinkedIn"},
            "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        ),
        # https://docs.x.com/x-for-websites/post-button/guides/web-intent
        ShareLink(
            "x",
            on % {"network": "X"},
            "https://x.com/intent/tweet?" + urlencode({"text": title, "url": url}),
        ),
        ShareLink(
            "email",
            gettext("Send by email"),
            # RFC 6068: spaces as %20, never "+", which mail programs show as is.
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        ),
    ]


def _public_context(**context) -> dict:
    """What every public page gets besides its own: the organisation's site."""
    return {"organisation_url": settings.ORGANISATION_URL, **context}


def _latest(*, excluding: Highlight | None = None) -> list[Highlight]:
    """The latest published stories for a "more stories" row, with their names."""
    stories = published_highlights()
    if excluding is not None:
        stories = stories.exclude(pk=excluding.pk)
    return list(stories[:MORE_STORIES])


def _gone(request: HttpRequest) -> HttpResponse:
    return render(
        request, "highlights/gone.html", _public_context(more_stories=_latest()), status=410
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    """The 404 of a public address, in the public pages' look (no session, no cookie)."""
    return render(
        request, "highlights/not_found.html", _public_context(more_stories=_latest()), status=404
    )


def _raise_not_found() -> HttpResponse:
    raise Http404


def _not_shown(
    slug: str,
    *,
    view: str,
    gone: Callable[[], HttpResponse],
    not_found: Callable[[], HttpResponse] = _raise_not_found,
) -> HttpResponse:
    """The answer of `view` at `slug` when no published highlight has it: 301 to
    the story's new address, `gone()` (410) for a story no longer public, else
    `not_found()` (404)."""
    moved = highlight_moved(slug)
    if moved is not None:
        response = HttpResponsePermanentRedirect(
            absolute_url(reverse(view, kwargs={"slug": moved}))
        )
        # Browsers keep a 301 for good unless told otherwise: a story given its
        # old title back takes its old address back.
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
    if highlight_gone(slug):
        return gone()
    return not_found()


@require_safe
def highlight_list(request: HttpRequest) -> HttpResponse:
    """Published highlights, newest first, 12 a page (`?page=`)."""
    page = Paginator(published_highlights(), HIGHLIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "highlights/list.html",
        _public_context(page=page, feed_url=absolute_url(reverse("highlights:feed"))),
    )


@require_safe
def highlight_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One published highlight; at an address it had before a new title, 301 to
    its current one; 410 when it was taken down, 404 when never public.

    A read by a person (`view_is_countable`) adds one to the day's counter:
    no cookie is set and nothing about the reader is kept."""
    highlight = highlight_public(slug)
    if highlight is None:
        return _not_shown(
            slug,
            view="highlights:detail",
            gone=partial(_gone, request),
            not_found=partial(_not_found, request),
        )
    share_url = absolute_url(reverse("highlights:share_image", kwargs={"slug": slug}))
    canonical_url = highlight_url(highlight)
    response = render(
        request,
        "highlights/detail.html",
        _public_context(
            highlight=highlight,
            people=public_names(highlight),
            canonical_url=canonical_url,
            share_image_url=share_url,
            share_links=share_links(url=canonical_url, title=highlight.title),
            more_stories=_latest(excluding=highlight),
            description=excerpt(highlight.text, chars=DESCRIPTION_CHARS),
        ),
    )
    if view_is_countable(method=request.method, headers=request.headers):
        highlight_view_record(highlight_id=highlight.pk)
    return response


@require_safe
def highlight_share_image(request: HttpRequest, slug: str) -> HttpResponse:
    """The 1200×630 share card of a published highlight, PNG, with the names the
    page shows; past addresses as for the page."""
    highlight = (
        published_highlights()
        .filter(slug=slug)
        .only("slug", "title", "image", "updated_at")
        .first()
    )
    if highlight is None:
        return _not_shown(
            slug, view="highlights:share_image", gone=partial(HttpResponse, status=410)
        )
    png = share_image_png(highlight, people=public_names(highlight))
    response = HttpResponse(png, content_type="image/png")
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


@require_safe
def highlights_latest_json(request: HttpRequest) -> JsonResponse:
    """The latest published highlights for embedding; CORS only for configured origins."""
    items = [
        {
            "title": highlight.title,
            "url": highlight_url(highlight),
            "text": excerpt(highlight.text, chars=JSON_EXCERPT_CHARS),
            "image_url": image_url(highlight),
            "image_alt": highlight.image_alt,
            "published_at": highlight.published_at.isoformat(),
            "people": public_names(highlight),
        }
        for highlight in published_highlights()[:LATEST_JSON_COUNT]
    ]
    response = JsonResponse({"highlights": items})
    origin = request.headers.get("Origin", "")
    if origin and origin in settings.HIGHLIGHTS_CORS_ORIGINS:
        response["Access-Control-Allow-Origin"] = origin
    patch_vary_headers(response, ["Origin"])
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response
