"""
Per-person preferences applied to each request, and the two-factor rule for staff.
"""

from __future__ import annotations

import zoneinfo

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _


class UserPreferencesMiddleware:
    """Speak the signed-in person's language and show times in their time zone.

    Runs after LocaleMiddleware: a signed-in person's saved choice wins over the
    browser's Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff must turn on two-factor authentication before using the admin area."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and request.path.startswith(reverse("admin:index"))
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("The admin area needs two-factor authentication. Set it up to go on."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
