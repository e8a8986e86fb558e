"""Highlights shown on the wins feed's own pages, without the feed importing highlights.

A win's page (`templates/wins/win_detail.html`) offers the people a public story
of the win names to withdraw from it. The wins feed sits below highlights
(docs/architecture.md), so its view cannot ask; its template asks this library.
"""

from __future__ import annotations

from django import template

from feed.highlights.consent_selectors import OpenHighlight, open_highlight_for
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
