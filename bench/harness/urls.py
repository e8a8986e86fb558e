"""
The app's URLs and one more, for the benchmark only: `/bench/trivial/`, the
lightest signed-in page there can be.

It renders `base.html` with no content for a signed-in person, through every
middleware the app has: the session, the user, the layout every page shares
(header, messages, footer). A page of the app costs that plus its own work, so
"feed page ÷ trivial page" says what the feed's own work costs. bench/feed.py
serves these URLs with `bench.harness.settings`; the app never does.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from wins_net.urls import urlpatterns as app_urlpatterns


@login_required
@require_GET
def trivial(request: HttpRequest) -> HttpResponse:
    """The layout every page has, and nothing in it."""
    return render(request, "base.html")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *app_urlpatterns]
