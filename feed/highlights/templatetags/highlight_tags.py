"""Highlights shown on the wins feed's own pages, without the feed importing highlights.

A win's page (`templates/wins/win_detail.html`) offers the people a public story
of the win names to answer its request, or to withdraw once they approved; the
feed (`templates/wins/home.html`) shows a banner to the people asked while a
request waits for them. The wins feed sits below highlights
(docs/architecture.md), so its view cannot ask; its template asks this library.
"""

from __future__ import annotations

from django import template

from feed.highlights.consent_selectors import OpenHighlight, consents_waiting, open_highlight_for
from feed.highlights.models import Consent
from feed.wins.models import Win

register = template.Library()


@register.simple_tag(name="open_highlight_for", takes_context=True)
def open_highlight_for_tag(context: template.Context, win: Win) -> OpenHighlight | None:
    """`{% open_highlight_for win as open_highlight %}`: the open highlight of `win`
    that names the reader, with their request waiting for an answer, or None
    (`open_highlight_for`). Asked once per page: the page's blocks share the answer."""
    user = context.request.user
    answers = context.render_context.setdefault("open_highlights", {})
    key = (win.pk, user.pk)
    if key not in answers:
        answers[key] = open_highlight_for(win=win, user=user)
    return answers[key]


@register.inclusion_tag("highlights/consent_banner.html", takes_context=True)
def consent_banner(context: template.Context) -> dict:
    """`{% consent_banner %}`: the reader's consent requests waiting for an answer,
    each with a link to answer it; nothing for visitors or when none waits. One query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    waiting: list[Consent] = consents_waiting(user=user) if user is not None else []
    return {"waiting": waiting}
