"""Error pages speak the app's language and layout."""

from __future__ import annotations

import pytest
from allauth.core.internal.ratelimit import handler429
from django.contrib.sessions.middleware import SessionMiddleware
from django.template.loader import render_to_string


@pytest.mark.django_db
def test_missing_page_is_a_friendly_404(client, user):
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.text
    assert "css/wins.css" in response.text


def test_server_error_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html


@pytest.mark.django_db
def test_too_many_requests_page_uses_the_layout(rf, user):

    request = rf.get("/accounts/login/")
    request.user = user
    SessionMiddleware(lambda r: None).process_request(request)
    response = handler429(request)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
