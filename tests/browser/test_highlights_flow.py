"""A win becomes a public story with its people's consent, and stops being one at their word.

Four browsers, all through the real pages: comms proposes the employee's win (which
credits the manager) in the admin area and asks for consent; the employee follows
the bell to the consent page, sees exactly what the public will read and approves;
the manager approves too (both are named, so both must); comms publishes; a
visitor who is not signed in reads it on /highlights/, its own page, the Atom feed
and the JSON, and gets its share card. Then the employee withdraws from the win's
page, and the story is gone from all of them: the page answers 410, the feeds
leave it out, the card is no longer served. Screenshots of the consent page and
the public page (desktop and phone) go to $SCREENSHOT_DIR for a person to look at.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import Page, expect

from accounts.models import User
from feed.highlights.models import Consent, Highlight
from feed.wins.services import win_create
from tests.browser.conftest import DESKTOP, open_page
from tests.factories import TEST_PASSWORD, comms_user

pytestmark = pytest.mark.browser

WIN_TEXT = (
    "Cut the refund backlog from 300 cases to zero in one week\n"
    "Thanks @manager for covering the phones!"
)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def people(demo_people):
    """The employee's win crediting the manager, and someone from comms to curate it."""
    employee = User.objects.get(email="employee@example.com")
    manager = User.objects.get(email="manager@example.com")
    win = win_create(author=employee, body=WIN_TEXT, credited=[manager])
    comms = comms_user(email="curator@example.com", name="Carmen Curator")
    secret = generate_totp_secret()
    TOTP.activate(comms, secret)
    return {"employee": employee, "manager": manager, "comms": comms, "win": win, "totp": secret}


def sign_in_with_code(page: Page, live_server, *, email: str, secret: str) -> None:
    """Staff sign in with a password and a code from their authenticator app, as
    the admin area requires."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.get_by_label("Code", exact=True).fill(code)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/")


def run_admin_action(page: Page, url: str, *, pk: int, action: str, done: str) -> None:
    """Tick row `pk` in an admin list, run `action` (by its value), see `done` reported."""
    page.goto(url)
    page.locator(f"input[name=_selected_action][value='{pk}']").check()
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Run").click()
    page.wait_for_load_state()
    expect(page.locator(".messagelist .success")).to_contain_text(done)
    expect(page.locator(".messagelist .error")).to_have_count(0)


def atom_titles(page: Page, url: str) -> list[str]:
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.body())  # noqa: S314 - the app's own feed, from the test server
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def json_titles(page: Page, url: str) -> list[str]:
    response = page.request.get(url)
    assert response.status == 200
    return [item["title"] for item in json.loads(response.body())["highlights"]]


def test_consent_publish_read_and_withdraw(
    browser, page, phone, live_server, people, sign_in, console_problems, screenshot, settings
):
    settings.MFA_REQUIRED_FOR_STAFF = True  # as in production
    url = live_server.url
    win, employee, manager = people["win"], people["employee"], people["manager"]

    # Comms proposes the win and asks the two people it names.
    comms_context, comms = open_page(browser, DESKTOP, console_problems)
    sign_in_with_code(comms, live_server, email=people["comms"].email, secret=people["totp"])
    run_admin_action(comms, f"{url}/admin/feed/win/", pk=win.pk,
                     action="propose_highlight", done="Proposed 1 highlight.")  # fmt: skip
    highlight = Highlight.objects.get(win=win)
    assert highlight.status == Highlight.Status.DRAFT
    run_admin_action(
        comms, f"{url}/admin/feed/highlight/", pk=highlight.pk,
        action="ask_for_consent", done="Asked for consent on 1 highlight.",
    )  # fmt: skip
    highlight.refresh_from_db()
    assert highlight.status == Highlight.Status.AWAITING

    # The author follows the bell to the consent page and sees exactly the public version.
    author_context, author = open_page(browser, DESKTOP, console_problems)
    sign_in(author, employee.email)
    author.get_by_role("link", name="Notifications, 1 unread").click()
    author.wait_for_url(f"{url}/notifications/")
    screenshot(author, "highlight-consent-notification-desktop")
    asking = author.get_by_role(
        "link", name=re.compile("Carmen Curator asked for your consent to publish your win")
    )
    # The sentence wraps: click its words, as a person would, not the middle of its box.
    asking.get_by_text("Carmen Curator").click()
    consent = Consent.objects.get(highlight=highlight, person=employee)
    author.wait_for_url(f"{url}/wins/consent/{consent.pk}/")
    expect(author.get_by_role("heading", name="May we make your win public?")).to_be_visible()
    expect(author.locator(".consent-title")).to_have_text(highlight.title)
    assert author.locator(".consent-text").inner_text().split() == highlight.text.split()
    expect(author.locator(".consent-text")).to_contain_text("Thanks Isabel Manager")
    expect(author.locator(".consent-name")).to_contain_text(consent.public_name)
    expect(author.locator(".consent-scope li")).to_have_count(3)
    screenshot(author, "highlight-consent-desktop")
    author.get_by_label("Message to the communications team (optional)").fill(
        "Happy to share it, thanks!"
    )
    author.get_by_role("button", name="Approve").click()
    author.wait_for_url(f"{url}/wins/consent/{consent.pk}/")
    # They are told what happens next.
    expect(author.get_by_text("once everyone named has agreed")).to_be_visible()
    expect(author.locator(".consent-message")).to_have_text("Happy to share it, thanks!")
    screenshot(author, "highlight-consent-approved-desktop")
    highlight.refresh_from_db()
    assert highlight.status == Highlight.Status.AWAITING  # the manager has not answered

    # The manager (who reads Wins in Spanish) answers from the win's page.
    manager_context, coworker = open_page(browser, DESKTOP, console_problems)
    try:
        sign_in(coworker, manager.email)
        coworker.goto(f"{url}/wins/{win.pk}/")
        theirs = Consent.objects.get(highlight=highlight, person=manager)
        coworker.locator(f"a[href='/wins/consent/{theirs.pk}/']").click()
        coworker.wait_for_url(f"{url}/wins/consent/{theirs.pk}/")
        expect(coworker.locator(".consent-title")).to_have_text(highlight.title)
        coworker.locator("button[name=answer][value=approve]").click()
        coworker.wait_for_url(f"{url}/wins/consent/{theirs.pk}/")
        expect(coworker.locator(".consent-state")).to_be_visible()
    finally:
        manager_context.close()
    highlight.refresh_from_db()
    assert highlight.status == Highlight.Status.APPROVED

    # Comms publishes.
    run_admin_action(comms, f"{url}/admin/feed/highlight/", pk=highlight.pk,
                     action="publish", done="Published 1 highlight.")  # fmt: skip
    highlight.refresh_from_db()
    assert highlight.status == Highlight.Status.PUBLISHED
    slug, title = highlight.slug, highlight.title

    # Someone not signed in reads it everywhere the public can.
    page.goto(f"{url}/highlights/")
    card = page.locator(".highlight-card").filter(has_text=title)
    expect(card).to_have_count(1)
    card.get_by_role("link", name=title).click()
    page.wait_for_url(f"{url}/highlights/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".highlight-meta")).to_contain_text("Isabel Manager")
    expect(page.locator(".highlight-text")).to_contain_text("Thanks Isabel Manager")
    expect(page.locator("meta[property='og:image']")).to_have_attribute(
        "content", re.compile(rf"/highlights/{slug}/share\.png$")
    )
    screenshot(page, "highlight-public-desktop")
    phone.goto(f"{url}/highlights/{slug}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "highlight-public-phone")
    assert title in atom_titles(page, f"{url}/highlights/feed/")
    assert title in json_titles(page, f"{url}/highlights/latest.json")
    card_image = page.request.get(f"{url}/highlights/{slug}/share.png")
    assert card_image.status == 200
    assert card_image.headers["content-type"] == "image/png"

    # The author withdraws from the win's page: the story stops being public at once.
    author.goto(f"{url}/wins/{win.pk}/")
    author.get_by_role("button", name="Withdraw my consent: stop the public story now").click()
    author.wait_for_url(f"{url}/wins/{win.pk}/")
    expect(author.get_by_text("You withdrew your consent.")).to_be_visible()
    highlight.refresh_from_db()
    assert highlight.status == Highlight.Status.WITHDRAWN

    page.goto(f"{url}/highlights/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".highlight-card").filter(has_text=title)).to_have_count(0)
    gone = page.goto(f"{url}/highlights/{slug}/")
    assert gone is not None
    assert gone.status == 410
    expect(page.get_by_role("heading", name="This story is no longer published")).to_be_visible()
    screenshot(page, "highlight-gone-desktop")
    assert title not in atom_titles(page, f"{url}/highlights/feed/")
    assert title not in json_titles(page, f"{url}/highlights/latest.json")
    assert page.request.get(f"{url}/highlights/{slug}/share.png").status == 410

    author_context.close()
    comms_context.close()
    # The browser reports the 410 of the page that is gone, as it should.
    assert [p for p in console_problems if "status of 410" not in p] == []
