"""The bell: someone is mentioned, sees the count, reads the line, marks everything read.

The manager comments on a win mentioning the employee; in a browser of her own
the employee sees "1" on the bell, opens the list, finds the line and marks all
as read, and the count is gone. Screenshots of the list and the email
preferences, on a desktop and a phone, go to $SCREENSHOT_DIR for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Cadence, NotificationKind, User
from feed.notifications.models import Email, Notification
from feed.notifications.preferences import cadence_for
from feed.notifications.services import unsubscribe_token
from feed.wins.services import comment_create, win_create
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

WIN_TEXT = "Answered all forty tickets of the weekend backlog"
COMMENT = "@employee can you share how you did it?"


@pytest.fixture
def managers_win(demo_people):
    manager = User.objects.get(email="manager@example.com")
    return win_create(author=manager, body=WIN_TEXT)


def test_a_mention_rings_the_bell_until_read(
    browser, page, phone, live_server, managers_win, sign_in, console_problems, screenshot
):
    manager_context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        manager = manager_context.new_page()
        sign_in(manager, "manager@example.com")
        card = manager.locator(".win-card").filter(has_text=WIN_TEXT)
        # The demo manager reads Wins in Spanish.
        card.get_by_label("Añade un comentario").fill(COMMENT)
        card.get_by_role("button", name="Publicar").click()
        expect(card.locator(".comment-body").filter(has_text="can you share")).to_be_visible()
    finally:
        manager_context.close()

    sign_in(page, "employee@example.com")
    bell = page.get_by_role("link", name="Notifications, 1 unread")
    expect(bell).to_be_visible()
    expect(bell.locator(".nav-bell-count")).to_have_text("1")

    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    line = page.locator(".notification").filter(has_text="Isabel Manager mentioned you")
    expect(line).to_have_class(re.compile(r"\bis-unread\b"))
    expect(line).to_contain_text("can you share how you did it?")
    expect(line.get_by_role("link", name="Unread: Isabel Manager mentioned you")).to_have_attribute(
        "href", re.compile(r"/notifications/\d+/$")
    )  # opening it marks it read, then leads to the comment (tests/feed/notifications)
    screenshot(page, "notifications-list-desktop")

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(page.locator(".nav-bell-count")).to_have_count(0)
    expect(line).not_to_have_class(re.compile(r"\bis-unread\b"))
    expect(page.get_by_text("You are all caught up.")).to_be_focused()
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    assert not Notification.objects.filter(read_at__isnull=True).exists()

    page.reload()  # the server agrees
    expect(page.locator(".nav-bell-count")).to_have_count(0)
    screenshot(page, "notifications-list-read-desktop")

    page.goto(f"{live_server.url}/notifications/email/")
    expect(page.get_by_role("heading", name="Email notifications")).to_be_visible()
    expect(page.get_by_label("Mentions of you")).to_have_value("immediately")
    screenshot(page, "notifications-preferences-desktop")
    assert console_problems == []


def test_the_pages_fit_a_phone(
    browser, phone, live_server, managers_win, sign_in, console_problems, screenshot
):
    """The list (with an unread line) and the preferences at 390 px, without sideways
    scrolling; a manager's preferences have the digest too."""
    manager = User.objects.get(email="manager@example.com")
    comment_create(win=managers_win, author=manager, body=COMMENT)
    sign_in(phone, "employee@example.com")

    phone.goto(f"{live_server.url}/notifications/")
    expect(phone.locator(".notification.is-unread")).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "notifications-list-phone")

    phone.goto(f"{live_server.url}/notifications/email/")
    expect(phone.get_by_label("Reactions to your wins")).to_have_value("daily")
    expect(phone.locator("select[name=digest]")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "notifications-preferences-phone")

    manager_context = browser.new_context(viewport=PHONE)
    try:
        manager_page = manager_context.new_page()
        sign_in(manager_page, "manager@example.com")
        manager_page.goto(f"{live_server.url}/notifications/email/")
        # (Spanish, the manager's language; located by field name, not by its words.)
        expect(manager_page.locator("select[name=digest]")).to_have_value("weekly")
        expect(manager_page.locator("input[name=digest_scope]:checked")).to_have_value("direct")
        assert manager_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(manager_page, "notifications-preferences-manager-phone")
    finally:
        manager_context.close()
    assert console_problems == []


def test_unsubscribing_from_the_link_in_an_email_needs_no_sign_in(
    phone, live_server, demo_people, console_problems, screenshot
):
    """Signed out, on a phone: opening the link only asks; the button turns mentions
    off (through the CSRF check, as a real browser posts it) and says so; Undo
    brings them back."""
    employee = User.objects.get(email="employee@example.com")
    token = unsubscribe_token(user=employee, email_kind=Email.Kind.MENTION)

    phone.goto(f"{live_server.url}/notifications/unsubscribe/{token}/")

    expect(phone.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
    expect(phone.get_by_role("listitem")).to_have_text(["Mentions of you"])
    assert cadence_for(user=employee, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    screenshot(phone, "notifications-unsubscribe-confirm-phone")

    phone.get_by_role("button", name="Unsubscribe").click()

    expect(phone.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    expect(phone.get_by_role("listitem")).to_have_text(["Mentions of you"])
    assert cadence_for(user=employee, kind=NotificationKind.MENTION) == Cadence.NEVER
    screenshot(phone, "notifications-unsubscribe-phone")

    phone.get_by_role("button", name="Undo").click()

    expect(phone.get_by_role("heading", name="Emails turned back on")).to_be_visible()
    assert cadence_for(user=employee, kind=NotificationKind.MENTION) == Cadence.IMMEDIATELY
    assert console_problems == []
