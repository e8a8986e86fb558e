"""
Pages of notifications: the bell's list, marking read, email preferences, unsubscribing.

The list and "mark as read" work as plain pages and forms; with htmx, "Show
more" appends the next page and marking read swaps the line (or the list) and
the bell's count in place. Unsubscribing needs no sign-in: the signed token in
the link is the authorisation, and mail providers post to it (RFC 8058) without
cookies, so that view is exempt from CSRF.
"""

from __future__ import annotations

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
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Cadence, EmailPreference, NotificationKind, User
from feed import notification_selectors as selectors
from feed.models import Email
from feed.notification_forms import PreferencesForm
from feed.notification_selectors import InvalidCursor
from feed.notifications import (
    email_unsubscribe,
    notifications_mark_read,
    preference_set,
    unsubscribe_read,
)
from feed.periods import SEND_HOUR
from feed.templatetags.notification_tags import forget_unread
from feed.views.htmx import login_required, safe_next

# Ids beyond PostgreSQL's bigint are ignored before they reach a query.
_MAX_ID = 2**63 - 1

UNDO = "undo"
UNSUBSCRIBE = "unsubscribe"


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
def _preference_label(kind: str) -> str:
    if kind == EmailPreference.DIGEST:
        return _("Weekly digest of your team's wins")
    if kind == EmailPreference.CANDIDATES:
        return _("Weekly email of highlight candidates")
    return str(NotificationKind(kind).label)


def _unsubscribe_page(
    request: HttpRequest, *, person: User, email_kind: str, kinds: list[str], is_on: bool
) -> HttpResponse:
    context = {
        "email_kind": email_kind,
        "is_summary": email_kind in (Email.Kind.DAILY_SUMMARY, Email.Kind.WEEKLY_SUMMARY),
        "is_daily": email_kind == Email.Kind.DAILY_SUMMARY,
        "is_digest": email_kind == Email.Kind.DIGEST,
        "is_candidates": email_kind == Email.Kind.CANDIDATES,
        "kinds": kinds,
        "kind_labels": [_preference_label(kind) for kind in kinds],
        "is_on": is_on,
        "undo": UNDO,
        "unsubscribe": UNSUBSCRIBE,
    }
    response = render(request, "notifications/unsubscribe.html", context)
    # The token in the URL is a key: keep the page out of caches and search engines.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _restore(*, person: User, email_kind: str, kinds: list[str]) -> list[str]:
    """Turn back on what an unsubscribe turned off; returns the kinds turned on.

    A kind's own emails come back immediately; a summary gets back the kinds
    named in the form (any kind of notification, nothing else); the digest
    and the email of highlight candidates come back weekly.
    """
    if email_kind == Email.Kind.DIGEST:
        restored = {EmailPreference.DIGEST: Cadence.WEEKLY}
    elif email_kind == Email.Kind.CANDIDATES:
        restored = {EmailPreference.CANDIDATES: Cadence.WEEKLY}
    elif email_kind == Email.Kind.DAILY_SUMMARY:
        restored = {kind: Cadence.DAILY for kind in kinds if kind in NotificationKind.values}
    elif email_kind == Email.Kind.WEEKLY_SUMMARY:
        restored = {kind: Cadence.WEEKLY for kind in kinds if kind in NotificationKind.values}
    else:
        restored = {email_kind: Cadence.IMMEDIATELY}
    with transaction.atomic():
        for kind, cadence in restored.items():
            preference_set(user=person, kind=kind, cadence=cadence)
    return list(restored)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Turn off the kind of email a signed link names, with no sign-in needed.

    GET (the visible link) and POST (RFC 8058's `List-Unsubscribe=One-Click`,
    sent by mail providers without cookies) both unsubscribe and say exactly
    what is now off; so does any other POST (the button on the "back on" page).
    POST `action=undo` turns it back on. The page never shows
    whose address it is. A token that was not made here gets a 400 page.
    """
    try:
        person, email_kind = unsubscribe_read(token=token)
    except (signing.BadSignature, User.DoesNotExist):
        response = render(request, "notifications/unsubscribe_invalid.html", status=400)
        patch_cache_control(response, private=True, no_store=True)
        return response

    # The page speaks the language of the email it came from, unless the reader
    # chose one (signed in, or with the language switcher).
    chosen = request.user.is_authenticated or settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    language = translation.get_language() if chosen else person.language
    with translation.override(language):
        if request.method == "POST" and request.POST.get("action") == UNDO:
            kinds = _restore(
                person=person, email_kind=email_kind, kinds=request.POST.getlist("kind")
            )
            return _unsubscribe_page(
                request, person=person, email_kind=email_kind, kinds=kinds, is_on=True
            )
        kinds = email_unsubscribe(user=person, email_kind=email_kind)
        return _unsubscribe_page(
            request, person=person, email_kind=email_kind, kinds=kinds, is_on=False
        )
