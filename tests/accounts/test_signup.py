"""Sign-up is open to the organisation's email domains only, and needs a verified address."""

from __future__ import annotations

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.adapters import _refusal
from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brave-new-w1ns-2026"


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    """allauth counts in the shared cache: a key prefix of its own keeps these counts apart."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }
    settings.ALLOWED_SIGNUP_DOMAINS = ["example.com", "example.es"]
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def _sign_up(client, email: str, **headers):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        headers=headers,
    )


def _confirmation_path(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", body).group(1)


@pytest.mark.parametrize(
    "email",
    [
        "ana@gmail.com",
        "ana@evil-example.com",  # ends with the domain's name
        "ana@example.com.evil.org",  # starts with it
        "ana@sub.example.com",  # a subdomain is another domain
        "ana@notexample.es",
        "ana@EXAMPLE.COM.evil.org",
    ],
)
def test_foreign_domain_is_refused_with_a_clear_message(client, mailoutbox, email):
    """Someone outside the organisation reads why, and no account or email comes of it."""
    response = _sign_up(client, email)

    assert response.status_code == 200
    assert escape(_refusal()) in response.text
    assert "example.com, example.es" in response.text
    assert not User.objects.filter(email__iexact=email).exists()
    assert mailoutbox == []


def test_refusal_is_in_the_visitors_language(client):
    """A Spanish browser gets the refusal in Spanish (through gettext, like every message)."""
    response = _sign_up(client, "ana@gmail.com", accept_language="es")

    with translation.override("es"):
        expected = _refusal()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "es"
    assert escape(expected) in response.text
    assert not User.objects.exists()


def test_allowed_domain_signs_up_and_must_verify_before_signing_in(client, mailoutbox):
    """An address of the organisation gets an account and a verification email, and can sign
    in only after following the link in it."""
    response = _sign_up(client, "Lucia.Navarro@Example.com")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    person = User.objects.get(email__iexact="lucia.navarro@example.com")
    assert not EmailAddress.objects.get(user=person).verified
    assert len(mailoutbox) == 1
    assert [address.lower() for address in mailoutbox[0].to] == ["lucia.navarro@example.com"]
    assert client.get(reverse("feed:home")).status_code == 302  # not signed in

    # Signing in before verifying leads back to "check your email", still signed out.
    response = client.post(
        reverse("account_login"), {"login": "lucia.navarro@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    # Following the emailed link verifies the address; then signing in works.
    confirm = _confirmation_path(mailoutbox[0].body)
    assert client.get(confirm).status_code == 200
    assert client.post(confirm).status_code == 302
    assert EmailAddress.objects.get(user=person).verified
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "lucia.navarro@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("feed:home")
    assert client.get(reverse("feed:home")).status_code == 200


def test_second_allowed_domain_is_case_insensitive(client, mailoutbox):
    response = _sign_up(client, "NURIA@EXAMPLE.ES")

    assert response.status_code == 302
    assert User.objects.filter(email__iexact="nuria@example.es").exists()
    assert len(mailoutbox) == 1


def test_signed_in_person_cannot_add_a_foreign_address(client):
    """Adding an outside address to an account is refused as sign-up is."""
    person = UserFactory(email="marta@example.com")
    client.post(reverse("account_login"), {"login": person.email, "password": TEST_PASSWORD})

    response = client.post(reverse("account_email"), {"action_add": "", "email": "marta@gmail.com"})

    assert response.status_code == 200
    assert escape(_refusal()) in response.text
    assert not EmailAddress.objects.filter(email="marta@gmail.com").exists()


def test_person_of_a_foreign_domain_already_in_wins_can_reset_their_password(client, mailoutbox):
    """The domain rule limits who gets an account, not who keeps one: IT may import a
    contractor with an outside address, and that person must be able to set a password."""
    UserFactory(email="contractor@partner.org")

    response = client.post(reverse("account_reset_password"), {"email": "contractor@partner.org"})

    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["contractor@partner.org"]]
