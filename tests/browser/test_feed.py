"""The feed in a real browser: reacting, commenting and loading more, without a reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from feed.wins.models import Win
from feed.wins.selectors import FEED_PAGE_SIZE
from feed.wins.services import comment_create, win_create

pytestmark = pytest.mark.browser

EXTRA = 5


@pytest.fixture
def demo_feed(demo_people) -> list[Win]:
    """A page and a bit of wins by the demo manager, the newest with a comment and credits."""
    manager = User.objects.get(email="manager@example.com")
    employee = User.objects.get(email="employee@example.com")
    now = timezone.now()
    wins = []
    for n in range(FEED_PAGE_SIZE + EXTRA):
        win = win_create(author=manager, body=f"Small win number {n} #demo", tag_names=["Teamwork"])
        Win.objects.filter(pk=win.pk).update(created_at=now - timedelta(minutes=n))
        wins.append(win)
    comment_create(win=wins[0], author=employee, body="First!")
    win_create(author=manager, body="Closed the quarter with @employee", credited=[employee])
    return wins


def mark_page(page: Page) -> None:
    """A flag that only survives as long as the page is not reloaded."""
    page.evaluate("window.notReloaded = true")


def still_same_page(page: Page) -> bool:
    return page.evaluate("window.notReloaded === true")


def test_react_comment_and_show_more_without_a_reload(
    page, live_server, demo_feed, sign_in, console_problems, screenshot
):
    """A reaction toggles in place, a comment appears inline, "Show more" appends cards."""
    sign_in(page)
    mark_page(page)
    card = page.locator(f"#win-{demo_feed[0].pk}")

    clap = card.get_by_role("button", name="Applause: 0 reactions")
    expect(clap).to_have_attribute("aria-pressed", "false")
    clap.click()
    clap = card.get_by_role("button", name="Applause: 1 reaction")
    expect(clap).to_have_attribute("aria-pressed", "true")
    expect(clap).to_contain_text("1")
    expect(clap).to_be_focused()  # htmx keeps focus on the button it replaced
    expect(card.locator(".reacted-by summary")).to_have_text("Who reacted: Emma Employee")
    expect(page.get_by_role("status").filter(has_text="You reacted: Applause")).to_be_attached()

    clap.press("Enter")
    expect(card.get_by_role("button", name="Applause: 0 reactions")).to_have_attribute(
        "aria-pressed", "false"
    )

    box = card.get_by_label("Add a comment")
    box.fill("Great work, team!")
    card.get_by_role("button", name="Post").click()
    expect(card.locator(".comment-body").filter(has_text="Great work, team!")).to_be_visible()
    expect(card.get_by_label("Add a comment")).to_have_value("")
    expect(card.get_by_role("button", name="Post")).to_be_focused()

    cards = page.locator(".win-card")
    expect(cards).to_have_count(FEED_PAGE_SIZE)
    more = page.get_by_role("link", name="Show more wins")
    more.click()
    expect(cards).to_have_count(len(demo_feed) + 1)
    expect(page.get_by_role("link", name="Show more wins")).to_have_count(0)
    expect(cards.nth(FEED_PAGE_SIZE)).to_be_focused()
    expect(page.get_by_text("You have reached the first win.")).to_be_visible()

    assert still_same_page(page)
    # Last: Playwright's screenshots leave `style=""` on fields, which htmx would copy.
    card.scroll_into_view_if_needed()
    screenshot(page, "feed-after-actions-desktop", full_page=False)
    assert console_problems == []


def test_an_empty_comment_is_explained_in_place(
    page, live_server, demo_feed, sign_in, console_problems
):
    """Spaces only: the server's message appears under the box, tied to it."""
    sign_in(page)
    card = page.locator(f"#win-{demo_feed[1].pk}")
    card.get_by_label("Add a comment").fill("   ")
    card.get_by_role("button", name="Post").click()
    box = card.get_by_label("Add a comment")
    expect(card.get_by_text("Write a comment first.")).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    assert console_problems == []


def test_the_feed_on_a_phone(phone, live_server, demo_feed, sign_in, console_problems, screenshot):
    """At 390px nothing overflows sideways and the reaction buttons are 44px targets."""
    sign_in(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    button = phone.locator(".reaction").first.bounding_box()
    assert button["height"] >= 44
    assert button["width"] >= 44
    phone.locator(f"#win-{demo_feed[0].pk}").get_by_role("button", name="Love: 0 reactions").click()
    expect(
        phone.locator(f"#win-{demo_feed[0].pk}").get_by_role("button", name="Love: 1 reaction")
    ).to_have_attribute("aria-pressed", "true")
    screenshot(phone, "feed-phone", full_page=False)
    assert console_problems == []


def test_a_wins_page_and_deleting_a_comment(
    page, live_server, demo_feed, sign_in, console_problems, screenshot
):
    """On a win's page, the author deletes their comment after confirming."""
    sign_in(page)
    page.goto(f"{live_server.url}{demo_feed[0].get_absolute_url()}")
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Delete your comment").click()
    expect(page.get_by_role("heading", name="0 comments")).to_be_visible()
    expect(page.get_by_text("First!")).to_have_count(0)
    expect(page.locator("#comments")).to_be_focused()
    screenshot(page, "win-page-desktop")
    assert console_problems == []
