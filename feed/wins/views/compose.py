"""Posting, editing and deleting a win: the composer's pages.

Each is one plain HTML form that works without JavaScript; `static/js/compose.js`
only adds the live character counter and the people suggestions. The compose
box on the feed is the `compose` partial of the same template, so the box and
the page cannot drift apart; an htmx request that comes back with an error gets
that partial alone.

A form sent back with an error keeps its photo (`WinForm.keep_photo`, see
`feed.wins.pending`): the page says so and shows it, and the next post uses it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from feed.wins import services
from feed.wins.access import access_win_as_author
from feed.wins.forms import WinForm
from wins_net.uploads import upload_form

FORM_TEMPLATE = "wins/win_form.html"


def _form_again(request: HttpRequest, form: WinForm, context: dict) -> HttpResponse:
    """The form with its errors and its photo kept; the `compose` partial for htmx."""
    form.keep_photo()
    context = {"compose_form": form, "compose_page": True, **context}
    if request.htmx:
        return render(request, f"{FORM_TEMPLATE}#compose", context)
    return render(request, FORM_TEMPLATE, context)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """Where to go after posting: a redirect, or for htmx an `HX-Redirect`."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go afterwards: a `next` pointing into this site, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@upload_form
@login_required
@require_http_methods(["GET", "POST"])
def win_new(request: HttpRequest) -> HttpResponse:
    """Post a win, then see it at the top of the feed.

    Invalid input shows the form again (status 200) with every message, and
    stores no win; a valid photo is kept for the next try (`feed.wins.pending`).
    A photo over the size limit is refused as it arrives (`@upload_form`), with
    the rest of the form kept.
    """
    if request.method == "POST":
        form = WinForm(request.POST, request.FILES, author=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.pending_photo_used()  # first: a second post of the form stops here
                    win = services.win_create(author=request.user, **form.service_kwargs())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                if win.image_status == win.ImageStatus.PROCESSING:
                    messages.success(
                        request, _("Your win is posted. Its photo appears in a moment.")
                    )
                else:
                    messages.success(request, _("Your win is posted."))
                return _redirect(request, reverse("feed:home"))
        return _form_again(request, form, {})
    else:
        form = WinForm(author=request.user)
    return render(request, FORM_TEMPLATE, {"compose_form": form, "compose_page": True})


@upload_form
@login_required
@require_http_methods(["GET", "POST"])
def win_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one's own win: text, credits, values, visibility, and keep, replace or
    remove its photo. Anyone else's win, or one that does not exist, is a 404."""
    win = access_win_as_author(user=request.user, pk=pk)
    next_url = _next_url(request, win.get_absolute_url())
    if request.method == "POST":
        form = WinForm(request.POST, request.FILES, author=request.user, win=win)
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.pending_photo_used()
                    services.win_update(win=win, editor=request.user, **form.service_kwargs())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Your changes are saved."))
                return _redirect(request, next_url)
        return _form_again(request, form, {"editing_win": win, "next_url": next_url})
    form = WinForm(author=request.user, win=win)
    context = {"compose_form": form, "compose_page": True, "editing_win": win, "next_url": next_url}
    return render(request, FORM_TEMPLATE, context)


@login_required
@require_http_methods(["GET", "POST"])
def win_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then delete one's own win (POST only). Anyone else's win is a 404."""
    win = access_win_as_author(user=request.user, pk=pk)
    if request.method == "POST":
        services.win_delete(win=win, user=request.user)
        messages.success(request, _("Your win is deleted."))
        return redirect("feed:home")
    cancel_url = _next_url(request, win.get_absolute_url())
    return render(
        request,
        "wins/win_confirm_delete.html",
        {"win": win, "cancel_url": cancel_url, "action": reverse("feed:win_delete", args=[pk])},
    )
