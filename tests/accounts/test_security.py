"""The admin signs in through allauth with two-factor for staff; pages send strict security
headers; rate limits see the real client behind the configured proxies."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _staff_need_two_factor(settings):
    """As in production (conftest gives each test its own rate-limit counts)."""
    settings.MFA_REQUIRED_FOR_STAFF = True


def _code(secret: str) -> str:
    """The code an authenticator app shows now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _sign_in(client, email: str, next_url: str = ""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": TEST_PASSWORD})


def _reauthenticate(client):
    """Confirm the password on allauth's reauthentication page, then land where it was going."""
    url = reverse("account_reauthenticate") + "?next=" + reverse("mfa_activate_totp")
    return client.post(url, {"password": TEST_PASSWORD}, follow=True)


# --------------------------------------------------------------------------
# The admin signs in through allauth
# --------------------------------------------------------------------------


def _split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_admin_login_page_sends_visitors_to_the_allauth_login(client):
    response = client.get("/admin/login/", {"next": "/admin/"})

    assert response.status_code == 302
    assert _split(response.url) == (reverse("account_login"), {"next": "/admin/"})


def test_opening_the_admin_signed_out_ends_on_the_sign_in_page(client):
    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert _split(response.redirect_chain[-1][0]) == (reverse("account_login"), {"next": "/admin/"})
    assert 'name="login"' in response.text


def test_admin_password_form_cannot_bypass_allauth(client):
    """Posting to Django's own admin login form signs nobody in (no way around rate limits
    and two-factor)."""
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.email, "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert _split(response.url)[0] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_employee_signed_in_is_refused_by_the_admin(client):
    employee = UserFactory()
    _sign_in(client, employee.email)

    assert client.get("/admin/login/").status_code == 403


def test_staff_without_two_factor_are_sent_to_set_it_up(client):
    """Staff reach the admin only after turning on two-factor; the page says why."""
    staff = UserFactory(is_staff=True)
    response = _sign_in(client, staff.email, next_url="/admin/")
    assert response.url == "/admin/"

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")

    # allauth asks for the password again before changing sign-in methods.
    page = client.get(response.url, follow=True)
    assert page.status_code == 200
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "The admin area needs two-factor authentication" in page.text
    page = _reauthenticate(client)
    assert page.status_code == 200
    assert 'name="code"' in page.text  # the QR code and the field for the first code


def test_staff_with_two_factor_enter_the_admin_after_giving_a_code(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = _sign_in(client, staff.email, next_url="/admin/")
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not sign in

    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302
    assert response.url == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Site administration" in response.text


def test_staff_with_two_factor_are_refused_a_wrong_code(client):
    staff = UserFactory(is_staff=True)
    TOTP.activate(staff, generate_totp_secret())
    _sign_in(client, staff.email, next_url="/admin/")

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_rule_can_be_turned_off_for_development(client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/").status_code == 200


def test_employee_turns_on_two_factor(client):
    """Two-factor is for everyone: an employee scans the code, types it, and it is on."""
    employee = UserFactory()
    _sign_in(client, employee.email)
    assert client.get(reverse("mfa_index")).status_code == 200

    page = client.get(reverse("mfa_activate_totp"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert _reauthenticate(client).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=employee, type=Authenticator.Type.TOTP).exists()


# --------------------------------------------------------------------------
# Security headers and Content Security Policy
# --------------------------------------------------------------------------


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def _csp(response) -> dict[str, list[str]]:
    directives = [
        part.strip().split() for part in response.headers["Content-Security-Policy"].split(";")
    ]
    return {words[0]: words[1:] for words in directives if words}


def _pages(client):
    yield "login", client.get(reverse("account_login"))
    client.force_login(UserFactory())
    yield "feed", client.get(reverse("feed:home"))


def test_pages_run_only_our_scripts_or_scripts_with_the_nonce(client, settings):
    for name, response in _pages(client):
        assert response.status_code == 200, name
        csp = _csp(response)
        script_src = csp["script-src"]
        assert "'unsafe-inline'" not in script_src, name
        assert "'unsafe-eval'" not in script_src, name
        (nonce,) = (
            source[len("'nonce-") : -1] for source in script_src if source.startswith("'nonce-")
        )
        parser = _Scripts()
        parser.feed(response.text)
        assert parser.scripts, f"{name}: expected at least htmx"
        for script in parser.scripts:
            src = script.get("src")
            if src:
                assert src.startswith(f"/{settings.STATIC_URL.lstrip('/')}"), (name, src)
            else:
                assert script.get("nonce") == nonce, (name, script)


def test_each_response_gets_a_fresh_nonce(client):
    first = _csp(client.get(reverse("account_login")))["script-src"]
    second = _csp(client.get(reverse("account_login")))["script-src"]

    assert first != second


def test_pages_send_the_security_headers(client):
    for name, response in _pages(client):
        csp = _csp(response)
        assert csp["default-src"] == ["'self'"], name
        assert csp["object-src"] == ["'none'"], name
        assert csp["frame-ancestors"] == ["'none'"], name
        assert csp["base-uri"] == ["'self'"], name
        assert response.headers["X-Frame-Options"] == "DENY", name
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "same-origin", name
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", name


# --------------------------------------------------------------------------
# Rate limits and the client IP behind proxies (ALLAUTH_TRUSTED_PROXY_COUNT)
# --------------------------------------------------------------------------


def _login_attempts(client, forwarded_for: str, count: int) -> list[int]:
    return [
        client.post(
            reverse("account_login"),
            {"login": f"nobody-{n}@example.com", "password": "wrong"},
            headers={"x-forwarded-for": forwarded_for},
        ).status_code
        for n in range(count)
    ]


def test_behind_one_proxy_each_client_ip_has_its_own_limit(client, settings):
    """With TRUSTED_PROXY_COUNT=1 the address our proxy saw counts, whatever the client claims
    before it: one client is stopped, another is not."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}

    assert _login_attempts(client, "203.0.113.7", 3) == [200, 200, 200]
    assert _login_attempts(client, "10.9.9.9, 203.0.113.7", 1) == [429]  # spoofed first hop
    assert _login_attempts(client, "198.51.100.9", 1) == [200]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, settings):
    """Facing clients directly, a forged X-Forwarded-For does not buy a fresh limit."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}

    assert _login_attempts(client, "203.0.113.7", 3) == [200, 200, 200]
    assert _login_attempts(client, "198.51.100.9", 1) == [429]


def test_rate_limited_page_says_so(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "1/m/ip"}
    _login_attempts(client, "", 1)

    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})

    assert response.status_code == 429
    assert re.search(r"too many", response.text, re.IGNORECASE)
