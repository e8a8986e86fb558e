"""The language switcher: everyone can switch; a signed-in person's choice is remembered."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_switches_with_a_cookie(client):
    response = client.post(reverse("accounts:set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("account_login"))
    assert page.headers["Content-Language"] == "es"


def test_signed_in_choice_is_saved_on_the_profile(client):
    person = UserFactory(language="en")
    client.force_login(person)
    client.post(reverse("accounts:set_language"), {"language": "es", "next": "/"})
    person.refresh_from_db()
    assert person.language == "es"


def test_saved_language_wins_over_the_browser(client):
    person = UserFactory(language="es")
    client.force_login(person)
    response = client.get("/", headers={"accept-language": "en"})
    assert response.headers["Content-Language"] == "es"


def test_unknown_language_changes_nothing(client):
    person = UserFactory(language="en")
    client.force_login(person)
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "en"


def test_switch_needs_post(client):
    assert client.get(reverse("accounts:set_language")).status_code == 405


def test_next_cannot_leave_the_site(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "es", "next": "https://evil.example.org/"}
    )
    assert response["Location"] == "/"


def test_signing_in_and_out_is_said_in_the_persons_language(client):
    """From a browser that asks for English, a Spanish speaker is told in Spanish, as "tú"."""
    person = UserFactory(name="Lucía Navarro", language="es")
    response = client.post(
        reverse("account_login"),
        {"login": person.email, "password": TEST_PASSWORD},
        headers={"accept-language": "en"},
        follow=True,
    )
    assert "Has iniciado sesión como" in response.text
    assert "Ha iniciado sesión" not in response.text

    response = client.post(reverse("account_logout"), follow=True)
    assert "Has cerrado sesión." in [str(message) for message in response.context["messages"]]
