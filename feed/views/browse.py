"""Pages of the wins feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The feed. Wins arrive with the feed issue; until then, its empty state."""
    return render(request, "feed/home.html")
