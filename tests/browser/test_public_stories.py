"""The public stories in a real Chromium: they fit a phone and a desktop, pass axe-core,
and "Copy link" copies the story's address.

The list, a story, a story never published (404) and one taken down (410) are opened
at 390 px and 1280 px: none scrolls sideways, and axe-core (bundled by
axe-playwright-python, run in the page) finds no "serious" or "critical" violation.
Screenshots of every page and both share cards (with and without a photo) go to
$SCREENSHOT_DIR for a person to look at; docs/screenshots/ keeps the story's and the
cards'.
"""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from PIL import Image
from playwright.sync_api import Page, expect

from feed.demo.pictures import PictureSpec, render_picture
from feed.highlights import consents
from feed.highlights import services as highlights
from feed.wins import photos
from feed.wins.services import win_create
from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.factories import UserFactory, comms_user

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
ORGANISATION_URL = "https://www.example.org/"
STORIES = [
    # (author's name, team, text, picture style or None)
    ("Ana García", "Customer Care",
     "Cut the refund backlog from 300 cases to zero in one week\n"
     "Thanks @luis for covering the phones while we worked through it!", "rings"),
    ("Marta Ruiz", "Operations",
     "The new warehouse layout halved picking times on the first day", "waves"),
    ("Jon Etxeberria", "Engineering",
     "Zero downtime during the Black Friday peak for the first time", None),
    ("Sofía Núñez", "People",
     "Forty volunteers planted 300 trees by the river on Saturday", "confetti"),
]  # fmt: skip


def picture(style: str, seed: int) -> dict:
    display, thumbnail = photos.photo_files(
        render_picture(PictureSpec(style=style, palette=seed % 7, seed=seed))
    )
    return {"image": display, "thumbnail": thumbnail, "image_alt": "An illustration in colour"}


@pytest.fixture
def stories(transactional_db, settings):
    """Published stories (one without a photo), and the address of one taken down."""
    settings.ORGANISATION_URL = ORGANISATION_URL
    comms = comms_user(email="carla@example.com", name="Carla Comms")
    luis = UserFactory(name="Luis Pérez", email="luis@example.com", team__name="Customer Care")
    published = []
    for n, (name, team, text, style) in enumerate(STORIES):
        author = UserFactory(name=name, email=f"author{n}@example.com", team__name=team)
        win = win_create(
            author=author,
            body=text,
            credited=[luis] if n == 0 else [],
            **(picture(style, n) if style else {}),
        )
        draft = highlights.highlight_propose(win=win, by=comms)
        for consent in consents.consent_request(highlight=draft, by=comms):
            consents.consent_answer(consent=consent, person=consent.person, approve=True)
        draft.refresh_from_db()
        published.append(highlights.highlight_publish(highlight=draft, by=comms))
    gone = published.pop(1)
    highlights.highlight_withdraw(highlight=gone, by=comms)
    return {"story": published[0], "no_photo": published[1], "gone": gone}


def pages(stories) -> dict[str, tuple[str, int]]:
    def detail(highlight) -> str:
        return reverse("highlights:detail", kwargs={"slug": highlight.slug})

    return {
        "list": (reverse("highlights:list"), 200),
        "story": (detail(stories["story"]), 200),
        "not-found": ("/highlights/no-such-story/", 404),
        "gone": (detail(stories["gone"]), 410),
        # Outside the public pages, the app's own 404, as a visitor not signed in gets it.
        "app-not-found": ("/no-such-page/", 404),
    }


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_public_pages_fit_and_pass_axe(browser, live_server, stories, console_problems, screenshot):
    found: list[str] = []
    for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context, page = open_page(browser, viewport, console_problems)
        for name, (path, status) in pages(stories).items():
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None
            assert response.status == status, name
            expect(page.locator("h1")).to_be_visible()
            sideways = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert sideways <= 0, f"{name} scrolls sideways by {sideways}px on a {device}"
            found += [f"{name} ({device}): {v}" for v in serious_violations(page)]
            screenshot(page, f"public-{name}-{device}")
        context.close()
    assert found == []
    # The browser reports the status of the 404 and 410 pages, as it should.
    assert [p for p in console_problems if "the server responded with a status of 4" not in p] == []


def test_the_story_page_gives_context_and_sharing(page, live_server, stories, settings):
    story = stories["story"]
    page.goto(f"{live_server.url}{reverse('highlights:detail', kwargs={'slug': story.slug})}")
    expect(page.locator(".story-people")).to_contain_text(
        "Ana García, Customer Care · Luis Pérez, Customer Care"
    )
    published_on = page.locator(".story-date time")
    assert published_on.get_attribute("datetime").startswith(
        localtime(story.published_at).date().isoformat()
    )
    expect(published_on).to_have_text(date_format(localtime(story.published_at), "DATE_FORMAT"))
    share = page.get_by_role("region", name="Share this story")
    for label in ("Copy link", "Share on LinkedIn", "Share on X", "Send by email"):
        expect(share.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("region", name="More stories").get_by_role("link")).to_have_count(2)
    expect(page.get_by_role("link", name="Wins website")).to_have_attribute(
        "href", ORGANISATION_URL
    )
    subscribe = page.get_by_role("link", name="Subscribe")
    expect(subscribe).to_have_attribute("href", "/highlights/feed/")
    expect(subscribe).to_have_accessible_description("New stories in your feed reader (Atom feed)")


def test_copy_link_copies_the_address(browser, live_server, stories, settings, console_problems):
    """With JavaScript, "Copy link" puts the story's address on the clipboard and
    says so, without leaving the page."""
    context, page = open_page(browser, PHONE, console_problems)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    path = reverse("highlights:detail", kwargs={"slug": stories["story"].slug})
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("link", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied")
    assert page.url == f"{live_server.url}{path}"
    assert page.evaluate("navigator.clipboard.readText()") == f"{settings.SITE_URL}{path}"
    assert console_problems == []
    context.close()


def test_share_cards(page, live_server, stories, screenshot_dir):
    """Both share cards are 1200×630 PNGs, kept for a person to look at."""
    for name in ("story", "no_photo"):
        slug = stories[name].slug
        response = page.request.get(
            f"{live_server.url}{reverse('highlights:share_image', kwargs={'slug': slug})}"
        )
        assert response.status == 200
        assert Image.open(io.BytesIO(response.body())).size == (1200, 630)
        suffix = "photo" if name == "story" else "no-photo"
        (screenshot_dir / f"share-card-{suffix}.png").write_bytes(response.body())
