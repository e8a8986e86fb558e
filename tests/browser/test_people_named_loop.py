"""The person named, on a phone: the feed's banner leads to the request, approving
says what happens next, and a line of the bell opens (and is read) from anywhere
on it. Screenshots of the banner (also in docs/screenshots/) and of the list."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from feed.highlights.consents import consent_request
from feed.highlights.services import highlight_propose
from feed.notifications.models import Notification
from feed.wins.services import win_create
from tests.factories import comms_user

pytestmark = pytest.mark.browser

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIN_TEXT = "Answered all forty tickets of the weekend backlog with @manager"


@pytest.fixture
def asked(demo_people):
    employee = User.objects.get(email="employee@example.com")
    # A browser test's flush can take the Communications group with it: a curator
    # made by the factory brings it back, as the other browser tests do.
    comms = comms_user(name="Carmen Curator")
    win = win_create(author=employee, body=WIN_TEXT)
    highlight = highlight_propose(win=win, by=comms)
    consent_request(highlight=highlight, by=comms)
    return employee, highlight


def test_the_banner_leads_to_the_request_and_the_bell_line_opens_from_anywhere(
    phone, live_server, asked, sign_in, screenshot, console_problems
):
    employee, _highlight = asked
    sign_in(phone, employee.email)

    banner = phone.locator(".consent-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("would like to publish your win")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    path = screenshot(phone, "feed-consent-banner-phone", full_page=False)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (DOCS_SCREENSHOTS / "feed-consent-banner-phone.png").write_bytes(path.read_bytes())

    # The bell: the whole line is the link; a tap on its quote opens it.
    phone.goto(f"{live_server.url}/notifications/")
    line = phone.locator(".notification").first
    expect(line).to_have_class("notification is-unread")
    expect(line.locator("a")).to_have_count(1)
    expect(line).not_to_contain_text("@manager")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "notifications-list-phone-unread")
    # Near the bottom of the line, under its time, far from the sentence.
    box = line.bounding_box()
    line.click(position={"x": box["width"] / 2, "y": box["height"] - 6})
    phone.wait_for_url(f"{live_server.url}/wins/consent/**")
    assert Notification.objects.get(recipient=employee).read_at is not None

    phone.locator("button[name=answer][value=approve]").click()
    expect(phone.get_by_text("once everyone named has agreed")).to_be_visible()
    phone.goto(f"{live_server.url}/")
    expect(phone.locator(".consent-banner")).to_have_count(0)
    assert console_problems == []
