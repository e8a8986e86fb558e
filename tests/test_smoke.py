"""The project starts and its front doors answer."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_feed_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_signed_in_person_sees_the_empty_feed(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "No wins here yet" in response.text


@pytest.mark.django_db
def test_login_page_uses_the_app_layout(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert 'name="login"' in response.text
    assert 'name="password"' in response.text
    assert "css/wins.css" in response.text
