"""Posting a win in a real browser: the counter, the people suggestions, a photo, and the feed.

Also the same form without JavaScript, and on a phone. Screenshots of the
composer go to $SCREENSHOT_DIR (compose-desktop, compose-suggestions,
compose-phone, compose-errors-phone, compose-photo-kept-phone, compose-photo-posted-phone).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, Route, expect

from accounts.models import User
from feed.wins.models import PendingUpload, Tag, Win

pytestmark = pytest.mark.browser

TEXT = "Solved a tricky billing case for a client in Bilbao"
BODY_LABEL = "What went well today, Emma?"


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def values(demo_people) -> list[Tag]:
    return [
        Tag.objects.create(name=name, is_value=True)
        for name in ("ClientesFelices", "Teamwork", "AprenderSiempre")
    ]


@pytest.fixture
def photo(tmp_path) -> Path:
    """A phone-like JPEG: 1800 × 1200, green with a white band."""
    image = Image.new("RGB", (1800, 1200), (20, 140, 90))
    image.paste((255, 255, 255), (0, 500, 1800, 700))
    path = tmp_path / "IMG_2044.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    path.write_bytes(buffer.getvalue())
    return path


def serve_media(page: Page, media_root: Path) -> None:
    """The live server does not serve uploads (DEBUG is off); the browser gets them here."""

    def fulfil(route: Route) -> None:
        name = route.request.url.split("/media/", 1)[1]
        target = media_root / name
        if target.is_file():
            route.fulfill(path=target)
        else:
            route.fulfill(status=404)

    page.route("**/media/**", fulfil)


def shoot(screenshot, page: Page, name: str) -> None:
    """A full-page screenshot from the top, so the sticky header sits where it belongs."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_post_a_win_with_a_photo_and_a_credit(
    page, live_server, values, sign_in, console_problems, screenshot, media_root, photo
):
    """Counter, suggestions and photo description work as they should, and the win tops the feed."""
    serve_media(page, media_root)
    sign_in(page)
    page.goto(f"{live_server.url}/wins/new/")

    body = page.get_by_label(BODY_LABEL)
    counter = page.locator("[data-counter]")
    expect(counter).to_be_visible()
    expect(counter).to_have_text("0 / 1000")
    body.press_sequentially(TEXT, delay=5)
    expect(counter).to_have_text(f"{len(TEXT)} / 1000")
    expect(page.locator("[data-counter-status]")).to_have_text(
        f"{len(TEXT)} of 1000 characters used."
    )

    credit = page.get_by_role("combobox", name="Give credit to")
    expect(credit).to_have_attribute("aria-expanded", "false")
    credit.press_sequentially("luc", delay=30)
    option = page.get_by_role("option", name=re.compile("Lucía Navarro"))
    expect(option).to_be_visible()
    expect(credit).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-autocomplete-status]")).to_contain_text("Suggestions: 1.")
    screenshot(page, "compose-suggestions", full_page=False)
    credit.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(credit).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    credit.press("Enter")
    expect(credit).to_have_value("@lucia.navarro ")
    expect(credit).to_have_attribute("aria-expanded", "false")
    expect(page).to_have_url(f"{live_server.url}/wins/new/")  # Enter chose, it did not post

    # A second person, picked with the mouse, by last name.
    credit.press_sequentially("moren", delay=30)
    page.get_by_role("option", name=re.compile("Javier Moreno")).click()
    expect(credit).to_have_value("@lucia.navarro @javier.moreno ")

    alt = page.get_by_label("Describe the photo")
    expect(alt).to_be_hidden()  # nothing to describe yet
    page.get_by_label("Photo", exact=True).set_input_files(photo)
    expect(alt).to_be_visible()
    alt.fill("The support team's whiteboard with the case solved")
    page.get_by_label("ClientesFelices").check()
    page.get_by_label("My team only (Customer Care)").check()
    shoot(screenshot, page, "compose-desktop")
    assert " style=" not in page.request.get(f"{live_server.url}/wins/new/").text()

    page.get_by_role("button", name="Share win").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator(".messages")).to_contain_text("Your win is posted.")
    first = page.locator(".win-card").first
    expect(first).to_contain_text(TEXT)
    expect(first.locator("img[alt^='The support team']")).to_be_visible()

    win = Win.objects.get(body=TEXT)
    assert win.author.email == "employee@example.com"
    assert win.visibility == "team"
    assert win.image_status == Win.ImageStatus.READY
    assert (win.image_width, win.image_height) == (1600, 1067)
    assert sorted(p.email for p in win.credited.all()) == [
        "javier.moreno@example.com",
        "lucia.navarro@example.com",
    ]
    assert list(win.tags.values_list("name", flat=True)) == ["ClientesFelices"]
    assert console_problems == []


def test_team_only_suggests_teammates_only(page, live_server, demo_people, sign_in):
    sign_in(page)
    page.goto(f"{live_server.url}/wins/new/")
    credit = page.get_by_role("combobox", name="Give credit to")
    credit.press_sequentially("pa", delay=30)  # Paula Herrera (Comunicación), Laura Pastor (Sales)
    expect(page.get_by_role("option", name=re.compile("Paula Herrera"))).to_be_visible()
    page.get_by_label("My team only (Customer Care)").check()
    credit.fill("")
    credit.press_sequentially("pa", delay=30)
    expect(page.locator("[data-autocomplete-status]")).to_have_text("Nobody found for “pa”.")
    expect(page.get_by_role("option")).to_have_count(0)


def test_the_counter_warns_past_the_limit_and_the_server_explains(
    phone, live_server, demo_people, sign_in, console_problems, screenshot
):
    """On a phone: typing past 1000 characters turns the counter red; posting shows the summary."""
    sign_in(phone)
    phone.goto(f"{live_server.url}/wins/new/")
    body = phone.get_by_label(BODY_LABEL)
    body.fill("x" * 1005)
    body.press("End")
    body.press_sequentially("!!", delay=5)
    counter = phone.locator("[data-counter]")
    expect(counter).to_have_text("1007 / 1000")
    expect(counter).to_have_class(re.compile("is-over"))
    expect(phone.locator("[data-counter-status]")).to_have_text(
        "Too long: 1007 of 1000 characters. Remove 7."
    )
    shoot(screenshot, phone, "compose-phone")
    assert no_horizontal_scroll(phone)

    phone.get_by_role("button", name="Share win").click()
    summary = phone.get_by_role("alert").filter(has_text="Your win was not posted")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(body).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").click()
    expect(body).to_be_focused()
    expect(body).to_be_in_viewport()
    top = body.bounding_box()["y"]
    header = phone.locator(".site-header").bounding_box()
    assert top >= header["y"] + header["height"] - 1  # not under the sticky header
    shoot(screenshot, phone, "compose-errors-phone")
    assert no_horizontal_scroll(phone)
    assert not Win.objects.exists()
    assert console_problems == []


def test_targets_are_large_enough_on_a_phone(phone, live_server, values, sign_in):
    sign_in(phone)
    phone.goto(f"{live_server.url}/wins/new/")
    targets = [
        phone.get_by_role("button", name="Share win"),
        phone.locator("label", has_text="My team only"),
        phone.locator("label", has_text="ClientesFelices"),
        phone.locator(".compose-more summary"),
    ]
    for target in targets:
        box = target.bounding_box()
        assert box is not None, target
        assert box["height"] >= 44, target


def test_posting_works_without_javascript(browser, live_server, demo_people, media_root, photo):
    """The same form, no script: handles typed by hand, a photo, and the redirect to the feed."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 720}
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[name=login]").fill("employee@example.com")
    page.locator("[name=password]").fill("wins-demo-2026")
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/wins/new/")
    expect(page.locator("[data-counter]")).to_be_hidden()  # no counter that would not count
    page.get_by_label(BODY_LABEL).fill("Onboarded two new colleagues #onboarding")
    page.get_by_label("Give credit to").fill("@owen.price nuria.gil")
    page.get_by_label("Photo", exact=True).set_input_files(photo)
    page.get_by_label("Describe the photo").fill("Two new colleagues at their desks")
    page.get_by_role("button", name="Share win").click()
    page.wait_for_url(f"{live_server.url}/")
    win = Win.objects.get()
    assert win.image_status == Win.ImageStatus.READY
    assert sorted(p.email for p in win.credited.all()) == [
        "nuria.gil@example.com",
        "owen.price@example.com",
    ]
    assert User.objects.get(email="employee@example.com") == win.author
    context.close()


KEPT_TEXT = "Our new office plants survived their first month"


def test_a_photo_survives_a_missing_text_on_a_phone(
    phone, live_server, demo_people, sign_in, console_problems, screenshot, media_root, photo
):
    """Attach a photo, forget the text: the photo is kept and shown; write the text,
    post, and the win shows the photo (feed/wins/pending.py)."""
    serve_media(phone, media_root)
    sign_in(phone)
    phone.goto(f"{live_server.url}/wins/new/")
    phone.get_by_label("Photo", exact=True).set_input_files(photo)
    phone.get_by_label("Describe the photo").fill("Green plants on a white shelf")
    phone.get_by_role("button", name="Share win").click()

    expect(phone.get_by_role("alert")).to_contain_text("Write a few words about your win.")
    kept = phone.locator("[data-kept-photo]")
    expect(kept).to_contain_text("Your photo is kept")
    preview = kept.get_by_role("img", name="The photo you attached")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(phone.get_by_label("Remove photo")).not_to_be_checked()
    expect(phone.get_by_label("Describe the photo")).to_have_value("Green plants on a white shelf")
    assert PendingUpload.objects.count() == 1
    assert not Win.objects.filter(body=KEPT_TEXT).exists()
    shoot(screenshot, phone, "compose-photo-kept-phone")
    assert no_horizontal_scroll(phone)

    phone.get_by_label(BODY_LABEL).fill(KEPT_TEXT)
    phone.get_by_role("button", name="Share win").click()
    phone.wait_for_url(f"{live_server.url}/")
    expect(phone.locator(".messages")).to_contain_text("Your win is posted.")
    card = phone.locator(".win-card").first
    expect(card).to_contain_text(KEPT_TEXT)
    image = card.locator("img[alt='Green plants on a white shelf']")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    shoot(screenshot, phone, "compose-photo-posted-phone")
    assert no_horizontal_scroll(phone)

    win = Win.objects.get(body=KEPT_TEXT)
    assert win.image_status == Win.ImageStatus.READY
    assert (win.image_width, win.image_height) == (1600, 1067)
    assert not PendingUpload.objects.exists()
    assert console_problems == []
