"""
The manager digest seen in the browser.

`digest_preview` shows a manager the digest they will get next Monday: the
wins of this week so far (`?week=last` for last week's, `?week=2026-W47` for
the week an email was about, which is where the email's own link points). It
is the same `digest_build` the email uses, so it shows exactly what the email
would, rendered in the page's language. People without reports get a page
that says what the digest is and who receives it.

`digest_preview_email` answers with the email's HTML part as a document of its
own, for a manager who wants to see the message as their mail client would.
That HTML carries inline styles, which the site's Content Security Policy
forbids everywhere else, so this one response gets a policy of its own: inline
styles and the site's images allowed, no scripts, no forms, sandboxed.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from accounts.models import Cadence, EmailPreference, User
from feed.notifications.digests import Digest, digest_build, this_week, week_named
from feed.notifications.models import Email
from feed.notifications.periods import Period, previous_week
from feed.notifications.services import unsubscribe_token
from wins_net.links import absolute_url

THIS_WEEK = "this"
LAST_WEEK = "last"


def _site_origin() -> str:
    parts = urlsplit(settings.SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


# The email as its own document: its inline styles and the site's images, nothing else.
EMAIL_DOCUMENT_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, _site_origin(), "data:"],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    # Links still open (in this tab, or a new one outside the sandbox); scripts never run.
    "sandbox": ["allow-popups", "allow-popups-to-escape-sandbox"],
}


def _week(request: HttpRequest, user: User) -> tuple[Period, str, str]:
    """The week asked for in `?week=`, which one it is, and an error for a bad value."""
    asked = request.GET.get("week", "").strip()
    if asked in ("", THIS_WEEK):
        return this_week(time_zone=user.time_zone), THIS_WEEK, ""
    if asked == LAST_WEEK:
        return previous_week(time_zone=user.time_zone), LAST_WEEK, ""
    period = week_named(key=asked, time_zone=user.time_zone)
    if period is None:
        error = _("“%(week)s” is not a week. Here is this week’s digest so far.") % {
            "week": asked[:20]
        }
        return this_week(time_zone=user.time_zone), THIS_WEEK, error
    current = this_week(time_zone=user.time_zone)
    if period.key == current.key:
        return current, THIS_WEEK, ""
    if period.key == previous_week(time_zone=user.time_zone).key:
        return period, LAST_WEEK, ""
    return period, period.key, ""


def _has_reports(user: User) -> bool:
    return User.objects.filter(manager_id=user.pk, is_active=True).exists()


def _url(name: str, week: str) -> str:
    url = reverse(name)
    return url if week == THIS_WEEK else f"{url}?{urlencode({'week': week})}"


@login_required
@require_GET
def digest_preview(request: HttpRequest) -> HttpResponse:
    """This week's digest so far, last week's, or a named week's, for the signed-in manager."""
    user = request.user
    period, which, error = _week(request, user)
    context = {
        "period": period,
        "first_day": period.start.date(),
        "which": which,
        "week_error": error,
        "is_manager": _has_reports(user),
        "this_week_url": _url("notifications:digest_preview", THIS_WEEK),
        "last_week_url": _url("notifications:digest_preview", LAST_WEEK),
        "email_url": _url("notifications:digest_preview_email", which),
        "digest": None,
    }
    if context["is_manager"]:
        preference = EmailPreference.objects.filter(user=user, kind=EmailPreference.DIGEST).first()
        context["digest_off"] = preference is not None and preference.cadence == Cadence.NEVER
        scope = preference.scope if preference is not None else EmailPreference.DigestScope.DIRECT
        context["digest"] = digest_build(manager=user, period=period, scope=scope)
    return render(
        request, "notifications/digest_preview.html", context, status=400 if error else 200
    )


def _email_context(digest: Digest, user: User) -> dict:
    """What `feed.notifications.emails.message_build` adds to every email, for the browser."""
    token = unsubscribe_token(user=user, email_kind=Email.Kind.DIGEST)
    return {
        "digest": digest,
        "recipient": user,
        "SITE_URL": settings.SITE_URL,
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "unsubscribe_url": absolute_url(
            reverse("notifications:unsubscribe", kwargs={"token": token})
        ),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }


@login_required
@require_GET
@csp_override(EMAIL_DOCUMENT_CSP)
def digest_preview_email(request: HttpRequest) -> HttpResponse:
    """The digest's HTML email as a document; the preview page when there is none to show."""
    user = request.user
    period, which, error = _week(request, user)
    digest = None
    if not error and _has_reports(user):
        digest = digest_build(manager=user, period=period)
    if digest is None:
        return redirect(_url("notifications:digest_preview", which))
    html = render_to_string("emails/digest/body.html", _email_context(digest, user))
    response = HttpResponse(html)
    response["X-Robots-Tag"] = "noindex"
    return response
