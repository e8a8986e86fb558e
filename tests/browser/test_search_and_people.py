"""Search, a person's page and reporting in a real browser: the header search box,
"More results" and "Show more" appending in place, clean of CSP errors, on a phone too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from feed.wins.models import Report
from feed.wins.search import SEARCH_PAGE_SIZE
from feed.wins.selectors import FEED_PAGE_SIZE
from feed.wins.services import win_create

pytestmark = pytest.mark.browser


@pytest.fixture
def wins(demo_people):
    manager = User.objects.get(email="manager@example.com")
    employee = User.objects.get(email="employee@example.com")
    count = max(SEARCH_PAGE_SIZE, FEED_PAGE_SIZE) + 3
    for n in range(count):
        win_create(author=manager, body=f"Customer call number {n} went well #clientes")
    win_create(author=manager, body="Shipped the onboarding guide", credited=[employee])
    return manager


def test_search_from_the_header_and_load_more(
    page, live_server, wins, sign_in, console_problems, screenshot
):
    sign_in(page)
    search = page.get_by_role("search", name="Quick search").get_by_label("Search wins")
    search.fill("customer")
    search.press("Enter")
    page.wait_for_url(f"{live_server.url}/search/?q=customer")
    expect(page.get_by_role("heading", name="Results for “customer”")).to_be_visible()
    screenshot(page, "search-desktop", full_page=False)
    cards = page.locator(".search-results .win-card")
    expect(cards).to_have_count(SEARCH_PAGE_SIZE)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="More results").click()
    expect(cards).to_have_count(FEED_PAGE_SIZE + 3)
    assert page.evaluate("window.notReloaded === true")
    assert console_problems == []


def test_person_page_tabs_and_show_more(
    phone, live_server, wins, sign_in, console_problems, screenshot
):
    sign_in(phone)
    phone.goto(f"{live_server.url}{wins.get_absolute_url()}")
    expect(phone.get_by_role("heading", level=1, name=wins.display_name)).to_be_visible()
    cards = phone.locator(".person-wins .win-card")
    expect(cards).to_have_count(FEED_PAGE_SIZE)
    screenshot(phone, "person-phone", full_page=False)
    phone.get_by_role("link", name="Show more").click()
    expect(cards).to_have_count(max(SEARCH_PAGE_SIZE, FEED_PAGE_SIZE) + 4)
    phone.get_by_role("link", name="Credited on").click()
    expect(
        phone.get_by_text("No wins here yet").or_(phone.get_by_text("Not credited"))
    ).to_be_visible()
    assert console_problems == []


def test_report_a_win_without_javascript_help(page, live_server, wins, sign_in, console_problems):
    sign_in(page)
    win = wins.wins.first()
    page.goto(f"{live_server.url}/wins/{win.pk}/report/")
    page.get_by_label("Not accurate").check()
    page.get_by_label("Details (optional)").fill("The numbers are from last year")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(f"{live_server.url}{win.get_absolute_url()}")
    expect(page.get_by_text("Thank you for reporting this")).to_be_visible()
    assert Report.objects.filter(win=win, reason="inaccurate").exists()
    assert console_problems == []
