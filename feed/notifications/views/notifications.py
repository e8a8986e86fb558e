"""
Pages of notifications: the bell's list, opening and marking read, email
preferences, unsubscribing.

Each line of the list is one link through `notification_open`, which marks it
read and goes on to what it is about. The list and "mark as read" work as
plain pages and forms; with htmx, "Show more" appends the next page and
marking read swaps the line (or the list) and the bell's count in place.
Unsubscribing needs no sign-in: the signed token in the link is the
authorisation. Opening the link changes nothing (mail scanners and previews
open links); its page asks, and only a POST unsubscribes: the page's button,
CSRF-checked, or the RFC 8058 one-click POST that mail providers send without
cookies, and so without a CSRF token.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required as page_login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from feed.notifications import selectors
from feed.notifications.access import access_notification
from feed.notifications.forms import PreferencesForm
from feed.notifications.kinds import is_summary, preference_label
from feed.notifications.models import Email
from feed.notifications.periods import SEND_HOUR
from feed.notifications.selectors import InvalidCursor
from feed.notifications.services import (
    email_unsubscribe,
    email_unsubscribe_undo,
    kinds_of_email,
    notifications_mark_read,
    preference_set,
    unsubscribe_pending,
    unsubscribe_read,
    unsubscribe_undo_read,
    unsubscribe_undo_token,
)
from feed.notifications.templatetags.notification_tags import forget_unread
from wins_net.htmx import login_required, safe_next

# Ids beyond PostgreSQL's bigint are ignored before they reach a query.
_MAX_ID = 2**63 - 1

UNDO = "undo"
UNSUBSCRIBE = "unsubscribe"
# The unsubscribe page's states.
CONFIRM = "confirm"
OFF = "off"
ON = "on"


# --------------------------------------------------------------------------
# The list
# --------------------------------------------------------------------------
def _list_url(cursor: str | None = None) -> str:
    url = reverse("notifications:list")
    return f"{url}?{urlencode({'cursor': cursor})}" if cursor else url


def _list_context(request: HttpRequest, page: selectors.NotificationPage, **extra) -> dict:
    return {
        "page": page,
        "more_url": _list_url(page.next_cursor) if page.next_cursor else "",
        "return_url": request.get_full_path() if request.method == "GET" else _list_url(),
        **extra,
    }


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notifications, newest first, a page at a time.

    Looking at the list marks nothing read. A broken cursor shows the first
    page with a message (status 400); htmx's "Show more" gets only the next page.
    """
    cursor = request.GET.get("cursor", "").strip() or None
    cursor_error = ""
    try:
        page = selectors.notification_page(user=request.user, cursor=cursor)
    except InvalidCursor:
        cursor_error = _("That link to older notifications is broken, so here are the newest ones.")
        cursor = None
        page = selectors.notification_page(user=request.user)
    context = _list_context(request, page, is_first_page=cursor is None, cursor_error=cursor_error)
    if request.htmx and not request.htmx.boosted and cursor:
        response = render(request, "notifications/list.html#page", context)
    else:
        response = render(
            request, "notifications/list.html", context, status=400 if cursor_error else 200
        )
    # The same URL answers with a fragment to htmx and a page to the browser.
    patch_vary_headers(response, ["HX-Request"])
    return response


@page_login_required
@require_GET
@never_cache
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one of the signed-in person's notifications: mark it read, then go
    where it leads (the win, the comment, the consent page).

    The target is worked out from the notification itself, never taken from the
    request, and only a path on this site is followed, so the link cannot be
    turned into an open redirect. Another person's notification, one about a
    win the reader may no longer see, or no such id: 404. A line that leads
    nowhere (any more) goes back to its place in the list.
    """
    notification = access_notification(user=request.user, pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    forget_unread(request)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    ):
        target = f"{_list_url()}#notification-{notification.pk}"
    return redirect(target)


def _ids(values: list[str]) -> list[int]:
    """The well-formed ids among `values`; anything else is ignored."""
    return [
        int(value)
        for value in values
        if value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID
    ]


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them (`all`) read.

    Only the signed-in person's own notifications change: another person's id
    is ignored (and answered with 404 to htmx, which has nothing to swap).
    Without JavaScript the browser goes back to the page it came from.
    """
    everything = request.POST.get("all") == "1"
    ids = _ids(request.POST.getlist("id"))
    if everything:
        notifications_mark_read(user=request.user)
    elif ids:
        notifications_mark_read(user=request.user, ids=ids)
    forget_unread(request)

    if not request.htmx:
        target = safe_next(request, _list_url())
        if everything:
            messages.success(request, _("All your notifications are marked as read."))
        elif len(ids) == 1 and "#" not in target:
            target += f"#notification-{ids[0]}"
        return redirect(target)

    if everything:
        page = selectors.notification_page(user=request.user)
        context = _list_context(request, page, is_first_page=True, marked_all=True)
        context |= {"bell_oob": True, "bell_current": True}
        return render(request, "notifications/list.html#marked-all", context)
    notification = selectors.notification_one(user=request.user, pk=ids[0]) if ids else None
    if notification is None:
        raise Http404
    context = {
        "notification": notification,
        "marked": True,
        "toolbar_oob": True,
        "bell_oob": True,
        "bell_current": True,
        "return_url": safe_next(request, _list_url()),
    }
    return render(request, "notifications/list.html#marked-one", context)


# --------------------------------------------------------------------------
# Email preferences
# --------------------------------------------------------------------------
@page_login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """How often each kind of email arrives; managers also set their digest, and
    communications staff their weekly email of highlight candidates.

    Only the choices that changed are saved, so kinds left alone follow the defaults.
    """
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for change in form.changes():
                    preference_set(
                        user=request.user,
                        kind=change.kind,
                        cadence=change.cadence,
                        scope=change.scope,
                    )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your email preferences are saved."))
            return redirect("notifications:preferences")
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "send_hour": f"{SEND_HOUR:02d}:00"}
    return render(request, "notifications/preferences.html", context, status=status)


# --------------------------------------------------------------------------
# Unsubscribing
# --------------------------------------------------------------------------
def _unsubscribe_page(
    request: HttpRequest,
    *,
    email_kind: str,
    state: str,
    kinds: Iterable[str],
    undo_token: str = "",
) -> HttpResponse:
    """The unsubscribe page in one of its `state`s: CONFIRM (asks, with one
    button), OFF (what is now off, with Undo when something changed) or ON
    (what came back, with "Unsubscribe again")."""
    kinds = list(kinds)
    context = {
        "state": state,
        "email_kind": email_kind,
        "is_summary": is_summary(email_kind),
        "is_daily": email_kind == Email.Kind.DAILY_SUMMARY,
        "is_digest": email_kind == Email.Kind.DIGEST,
        "is_candidates": email_kind == Email.Kind.CANDIDATES,
        "kinds": kinds,
        "kind_labels": [preference_label(kind) for kind in kinds],
        "undo_token": undo_token,
        "undo": UNDO,
        "unsubscribe": UNSUBSCRIBE,
    }
    response = render(request, "notifications/unsubscribe.html", context)
    _keep_private(response)
    return response


def _keep_private(response: HttpResponse) -> None:
    # The token in the URL is a key: keep the page out of caches and search
    # engines, and the URL out of other sites' logs. Not "no-referrer": a
    # browser then sends "Origin: null" with the page's own form, which
    # Django's CSRF check refuses; "same-origin" still sends nothing elsewhere.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"


def _invalid_link(request: HttpRequest) -> HttpResponse:
    response = render(request, "notifications/unsubscribe_invalid.html", status=400)
    _keep_private(response)
    return response


def _is_one_click(request: HttpRequest) -> bool:
    """An RFC 8058 one-click unsubscribe: a POST with `List-Unsubscribe=One-Click`
    in its body, as mail providers send it. It can only unsubscribe, never undo."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


def _off_kinds(*, person: User, email_kind: str, changes: Iterable[str]) -> list[str]:
    """What a page saying "unsubscribed" lists: what a summary's unsubscribe
    turned off (the rest was not in it), or the one kind of any other email."""
    if is_summary(email_kind):
        return list(changes)
    return kinds_of_email(user=person, email_kind=email_kind)


def _unsubscribed(request: HttpRequest, *, person: User, email_kind: str) -> HttpResponse:
    changes = email_unsubscribe(user=person, email_kind=email_kind)
    undo_token = (
        unsubscribe_undo_token(user=person, email_kind=email_kind, changes=changes)
        if changes
        else ""
    )
    kinds = _off_kinds(person=person, email_kind=email_kind, changes=changes)
    return _unsubscribe_page(
        request, email_kind=email_kind, state=OFF, kinds=kinds, undo_token=undo_token
    )


@csrf_protect
def _unsubscribe_form(request: HttpRequest, *, person: User, email_kind: str) -> HttpResponse:
    """The page's own GET and form POSTs, with Django's CSRF check on the POSTs."""
    if request.method == "GET":
        pending = unsubscribe_pending(user=person, email_kind=email_kind)
        if pending:
            return _unsubscribe_page(request, email_kind=email_kind, state=CONFIRM, kinds=pending)
        # Already off: nothing to ask.
        kinds = _off_kinds(person=person, email_kind=email_kind, changes=())
        return _unsubscribe_page(request, email_kind=email_kind, state=OFF, kinds=kinds)
    if request.POST.get("action") != UNDO:
        return _unsubscribed(request, person=person, email_kind=email_kind)
    try:
        changes, made_at = unsubscribe_undo_read(
            token=request.POST.get("undo", ""), user=person, email_kind=email_kind
        )
    except signing.BadSignature:
        return _invalid_link(request)
    restored = email_unsubscribe_undo(user=person, changes=changes, made_at=made_at)
    return _unsubscribe_page(request, email_kind=email_kind, state=ON, kinds=restored)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turn off the kind of email a signed link names, with no sign-in needed.

    GET (the visible link, and the mail scanners and previews that open it)
    changes nothing: it asks, with one button. Only a POST unsubscribes: that
    button (with a CSRF token), or RFC 8058's `List-Unsubscribe=One-Click`,
    sent by mail providers without cookies, so without one. Both say exactly
    what is now off. POST `action=undo` with the page's signed `undo` field
    puts back what that unsubscribe changed and nothing else. The page never
    shows whose address it is. A token that was not made here gets a 400 page.
    """
    try:
        person, email_kind = unsubscribe_read(token=token)
    except (signing.BadSignature, User.DoesNotExist):
        return _invalid_link(request)

    # The page speaks the language of the email it came from, unless the reader
    # chose one (signed in, or with the language switcher).
    chosen = request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    language = translation.get_language() if chosen else person.language
    with translation.override(language):
        if _is_one_click(request):
            return _unsubscribed(request, person=person, email_kind=email_kind)
        return _unsubscribe_form(request, person=person, email_kind=email_kind)
