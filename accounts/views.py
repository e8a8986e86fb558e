"""Pages about people: a person's page, one's own profile, the language switch."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views import i18n
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import user_set_language


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        User.objects.filter(is_active=True).select_related("team", "manager"), pk=pk
    )
    return render(request, "accounts/profile.html", {"person": person})


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile_edit.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's choice is remembered."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return i18n.set_language(request)
