"""Search at /search/?q=: the reader's words over the wins they may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from feed.wins.search import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_PAGES,
    SearchTerms,
    search_page,
    uses_full_text,
)


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), SEARCH_MAX_PAGES)


def _more_url(terms: SearchTerms | None, results) -> str:
    """The next page of results, or "" when this is the last."""
    if not terms or results is None or not results.has_more:
        return ""
    return f"{reverse('feed:search')}?{urlencode({'q': terms.text, 'page': results.page + 1})}"


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Results page; an htmx "More results" request gets just the next results."""
    terms = SearchTerms.parse(request.GET.get("q"))
    results = (
        search_page(viewer=request.user, terms=terms, page=_page_number(request.GET.get("page")))
        if terms
        else None
    )
    context = {
        "terms": terms,
        "results": results,
        "max_length": SEARCH_MAX_LENGTH,
        "full_text": uses_full_text(),
        "more_url": _more_url(terms, results),
    }
    if request.htmx and results is not None and results.page > 1:
        response = render(request, "wins/search.html#results", context)
    else:
        response = render(request, "wins/search.html", context)
    # The same URL answers with a fragment to htmx and a page to the browser.
    patch_vary_headers(response, ["HX-Request"])
    return response
