"""Signing in, in a real browser: the form, its errors, the language switch, the skip link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from feed.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_demo_employee_signs_in_and_lands_on_the_feed(
    page, live_server, demo_people, console_problems, screenshot
):
    """The login form takes `login` and `password`, both labelled, and leads to the feed."""
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "login-desktop", full_page=False)
    expect(page.get_by_label("Email", exact=True)).to_have_attribute("name", "login")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("name", "password")

    page.locator("[name=login]").fill("employee@example.com")
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="No wins here yet")).to_be_visible()
    screenshot(page, "feed-empty")
    assert console_problems == []


def test_wrong_password_shows_an_error_and_stays_on_the_form(
    page, live_server, demo_people, console_problems, screenshot
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[name=login]").fill("employee@example.com")
    page.locator("[name=password]").fill("not-the-password")
    page.locator("main").get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("[name=login]")).to_have_value("employee@example.com")
    screenshot(page, "login-error")
    assert console_problems == []


def test_sign_up_errors_belong_to_their_field(
    page, live_server, transactional_db, console_problems, screenshot
):
    """An error is announced with its field: aria-invalid and aria-describedby point to it."""
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email", exact=True).fill("someone@elsewhere.example.org")
    page.get_by_label("Password", exact=True).fill("a-Long-test-passw0rd")
    page.get_by_label("Password (again)", exact=True).fill("a-Long-test-passw0rd")
    page.locator("main").get_by_role("button", name="Sign Up").click()

    email = page.get_by_label("Email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby") or ""
    error_id = next(part for part in described_by.split() if part.endswith("_error"))
    expect(page.locator(f"#{error_id}")).to_contain_text("Sign-up is open only to addresses of")
    screenshot(page, "signup-error")
    assert console_problems == []


def test_switching_to_spanish_changes_the_page_language(page, demo_people, sign_in, screenshot):
    sign_in(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    spanish = page.locator(".language-switcher").get_by_role("button", name="Español")
    spanish.click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(spanish).to_have_attribute("aria-pressed", "true")
    screenshot(page, "feed-es")


def test_skip_link_moves_keyboard_focus_into_the_main_content(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/accounts/login/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the focused skip link is visible"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), (
        "after the skip link, the next Tab stays in the main content"
    )


def test_login_on_a_phone_fits_and_has_large_targets(
    phone, live_server, transactional_db, console_problems, screenshot
):
    phone.goto(f"{live_server.url}/accounts/login/")
    screenshot(phone, "login-phone", full_page=False)

    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "no sideways scrolling at 390px"
    )
    targets = phone.locator(
        "main button, main input:not([type=hidden]):not([type=checkbox]), header button, header a"
    )
    for index in range(targets.count()):
        target = targets.nth(index)
        box = target.bounding_box()
        if box is None:
            continue
        html = target.evaluate("element => element.outerHTML")
        assert box["height"] >= 44, f"{html} is {box['height']}px high"
    assert console_problems == []
