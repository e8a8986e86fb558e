"""allauth's pages in the app's layout: they render, work, and break no Content Security Policy."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Page, expect

from accounts.models import User
from feed.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _confirm_access(page: Page) -> None:
    """allauth asks for the password again before security changes."""
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.locator("main").get_by_role("button", name="Confirm").click()


@pytest.fixture
def employee_with_two_factor(demo_people) -> tuple[User, str]:
    employee = User.objects.get(email="employee@example.com")
    secret = generate_totp_secret()
    TOTP.activate(employee, secret)
    RecoveryCodes.activate(employee)
    return employee, secret


def test_settings_pages_render_in_the_layout_without_csp_violations(
    page, live_server, demo_people, sign_in, console_problems, screenshot
):
    """Each settings page is marked in the settings menu and needs nothing the CSP forbids."""
    sign_in(page)
    pages = {
        "/accounts/email/": ("Email Addresses", "Email addresses"),
        "/accounts/password/change/": ("Change Password", "Password"),
        "/accounts/2fa/": ("Two-Factor Authentication", "Two-factor authentication"),
        "/accounts/3rdparty/": ("Account Connections", "Single sign-on"),
    }
    for path, (title, menu_entry) in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        current = page.get_by_role("navigation", name="Settings").locator("[aria-current=page]")
        expect(current).to_have_text(menu_entry)
        assert page.locator("[style]").count() == 0, f"{path} has an inline style attribute"
        screenshot(page, "settings" + path.rstrip("/").replace("/", "-"))
    assert console_problems == []


def test_activating_an_authenticator_app(
    page, live_server, demo_people, sign_in, console_problems, screenshot
):
    sign_in(page)
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    _confirm_access(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    screenshot(page, "mfa-activate")

    page.get_by_label("Authenticator code").fill(_current_code(secret))
    page.locator("main").get_by_role("button", name="Activate").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    expect(page.get_by_label("Unused codes")).to_be_visible()
    screenshot(page, "mfa-recovery-codes")
    assert console_problems == []


def test_signing_in_with_two_factor_asks_for_a_code(
    page, live_server, employee_with_two_factor, console_problems, screenshot
):
    _employee, secret = employee_with_two_factor
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[name=login]").fill("employee@example.com")
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()

    code = page.get_by_label("Code", exact=True)
    code.fill("000000")
    page.locator("main").get_by_role("button", name="Sign In").click()
    expect(code).to_have_attribute("aria-invalid", "true")
    screenshot(page, "mfa-authenticate-error")

    code.fill(_current_code(secret))
    page.locator("main").get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert console_problems == []


def test_two_factor_overview_and_recovery_codes(
    page, live_server, employee_with_two_factor, sign_in, console_problems, screenshot
):
    """The recovery codes page loads allauth's scripts from our origin, which the CSP allows."""
    _employee, secret = employee_with_two_factor
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[name=login]").fill("employee@example.com")
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.get_by_label("Code", exact=True).fill(_current_code(secret))
    page.locator("main").get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.get_by_role("heading", name="Authenticator App")).to_be_visible()
    screenshot(page, "mfa-index")

    page.goto(f"{live_server.url}/accounts/2fa/recovery-codes/")
    _confirm_access(page)
    expect(page.get_by_label("Unused codes")).to_be_visible()
    assert console_problems == []


def test_password_reset_pages(page, live_server, demo_people, console_problems, screenshot):
    page.goto(f"{live_server.url}/accounts/password/reset/")
    screenshot(page, "password-reset")
    page.get_by_label("Email", exact=True).fill("employee@example.com")
    page.locator("main").get_by_role("button", name="Reset My Password").click()

    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/"))
    expect(page.get_by_role("link", name="Back to sign in")).to_be_visible()
    screenshot(page, "password-reset-done")

    page.goto(f"{live_server.url}/accounts/password/reset/key/1-not-a-key/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad Token")
    assert console_problems == []


def test_sign_out_asks_first(page, live_server, demo_people, sign_in, console_problems):
    sign_in(page)
    page.goto(f"{live_server.url}/accounts/logout/")
    page.locator("main").get_by_role("button", name="Sign Out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert console_problems == []
