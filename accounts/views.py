"""One's own profile and the language switch.

A person's page, the export of one's wins and the composer's people suggestions
are about wins: `feed.wins.views.people` serves them, under the same `/people/`
URLs and `accounts:` names (`wins_net/urls.py` joins both).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import ProfileForm
from accounts.services.profiles import user_set_language, user_update_profile
from wins_net.uploads import upload_form


@upload_form
@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    """One's own profile. Saving a new language switches the very next page to it."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            try:
                user_update_profile(user=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                translation.activate(user.language)  # the message below, in the new language
                messages.success(request, _("Your profile is saved."))
                response = redirect("accounts:profile_edit")
                # Signed out, the sign-in page then speaks the same language.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
                return response
    else:
        form = ProfileForm(user=user)
    return render(request, "accounts/profile_edit.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's choice is remembered."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return i18n.set_language(request)
