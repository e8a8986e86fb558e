"""Pages about people's wins: a person's page, one's own wins exported, and the
people the composer suggests to credit or mention.

They are under `/people/` with the `accounts:` names (`accounts:profile`,
`accounts:export_csv`...), beside the pages `accounts` serves itself: the
project's URLs join both under one namespace (`wins_net/urls.py`), so `accounts`
never imports the wins feed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from feed.wins import exports
from feed.wins.access import access_person
from feed.wins.models import Win, win_audience
from feed.wins.selectors import InvalidCursor, person_counts, person_wins
from feed.wins.text import handle_for


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's page: who they are, their counts, and their wins or the wins they
    were credited on, as far as the reader may see them. An htmx "Show more" gets
    only the next wins."""
    person = access_person(user=request.user, pk=pk)
    credited = request.GET.get("show") == "credited"
    cursor = request.GET.get("cursor") or None
    status = 200
    try:
        page = person_wins(viewer=request.user, person=person, credited=credited, cursor=cursor)
    except InvalidCursor:
        messages.error(request, _("That link to older wins is broken, so here are the newest."))
        cursor, status = None, 400
        page = person_wins(viewer=request.user, person=person, credited=credited)
    context = {"person": person, "page": page, "credited": credited, "cursor": cursor}
    if page.next_cursor:
        more = {"show": "credited"} if credited else {}
        more["cursor"] = page.next_cursor
        context["more_url"] = f"{person.get_absolute_url()}?{urlencode(more)}"
    if request.htmx and cursor:
        response = render(request, "wins/person.html#wins", context)
    else:
        context["counts"] = person_counts(viewer=request.user, person=person)
        response = render(request, "wins/person.html", context, status=status)
    # The same URL answers with a fragment to htmx and a page to the browser.
    patch_vary_headers(response, ["HX-Request"])
    return response


ExportLines = Callable[..., Iterator[str]]


def _export(
    request: HttpRequest, *, extension: str, content_type: str, lines: ExportLines
) -> HttpResponse:
    def link(win: Win) -> str:
        return request.build_absolute_uri(win.get_absolute_url())

    response = StreamingHttpResponse(
        lines(person=request.user, link=link), content_type=content_type
    )
    response["Content-Disposition"] = content_disposition_header(
        True, exports.export_filename(person=request.user, extension=extension)
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def export_markdown(request: HttpRequest) -> HttpResponse:
    """The signed-in person's wins as a Markdown brag document, streamed."""
    return _export(
        request,
        extension="md",
        content_type="text/markdown; charset=utf-8",
        lines=exports.export_markdown,
    )


@login_required
@require_http_methods(["GET"])
def export_csv(request: HttpRequest) -> HttpResponse:
    """The signed-in person's wins as CSV (safe to open in a spreadsheet), streamed."""
    return _export(
        request, extension="csv", content_type="text/csv; charset=utf-8", lines=exports.export_csv
    )


# People suggested by the composer's autocomplete: few enough to scan, and a
# query short enough to match too many people is not run at all.
AUTOCOMPLETE_LIMIT = 8
AUTOCOMPLETE_MIN_LENGTH = 2


@login_required
@require_http_methods(["GET"])
def autocomplete(request: HttpRequest) -> HttpResponse:
    """People to credit or mention, for the composer's credit field and for any
    text with @mentions: `<li role="option">` items, each with a `data-handle`
    to insert as `@handle` (static/js/compose.js, static/js/mentions.js).

    `?q=` matches the start of a name, of any word of it, or of an email address
    (at least two characters; `@` is ignored). Only active people, never the
    asker, at most eight. Only people who may see a win with the `?visibility=`
    the form has chosen (`team`: the asker's teammates), by `win_audience`, the
    rule by which `feed.wins.services` refuses a credit: what is offered is
    never refused.
    """
    query = request.GET.get("q", "").strip().lstrip("@")[:100]
    people: list[User] = []
    if len(query) >= AUTOCOMPLETE_MIN_LENGTH:
        matches = (
            Q(name__istartswith=query)
            | Q(name__icontains=f" {query}")
            | Q(email__istartswith=query)
        )
        audience = win_audience(
            visibility=request.GET.get("visibility", ""), team_id=request.user.team_id
        )
        candidates = User.objects.filter(matches, audience, is_active=True).exclude(
            pk=request.user.pk
        )
        candidates = candidates.select_related("team").order_by("name", "email")
        people = list(candidates[:AUTOCOMPLETE_LIMIT])
        for person in people:
            person.handle = handle_for(person.email)
    return render(request, "wins/people_autocomplete.html", {"people": people, "query": query})
