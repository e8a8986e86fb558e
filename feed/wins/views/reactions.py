"""Reacting to a win: one toggle per kind (applause, celebrate, insightful, love)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from feed.wins.access import access_win
from feed.wins.models import Reaction
from feed.wins.selectors import win_detail
from feed.wins.services import reaction_toggle
from wins_net.htmx import login_required, safe_next


@login_required
@require_POST
def react(request: HttpRequest, pk: int) -> HttpResponse:
    """Toggle the viewer's `kind` reaction on a win they may see (404 otherwise).

    htmx gets the card's reactions bar again; a plain form goes back to `next`.
    """
    win = access_win(user=request.user, pk=pk)
    kind = request.POST.get("kind", "")
    error = ""
    is_on = False
    try:
        is_on = reaction_toggle(win=win, user=request.user, kind=kind)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(safe_next(request, f"{win.get_absolute_url()}#win-{win.pk}"))
    context = {
        "win": win_detail(viewer=request.user, pk=pk),
        "reaction_error": error,
        "reaction_changed": "" if error else Reaction.Kind(kind).label,
        "reaction_on": is_on,
        # The plain-form fallback of the new bar goes back to the page it sits on.
        "card_return_url": request.htmx.current_url_abs_path or "",
    }
    return render(request, "components/win_card.html#reactions", context)
