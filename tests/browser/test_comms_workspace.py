"""Comms' workflow in the workspace, in a real Chromium at 1280 px and 390 px.

Propose from a card, edit (the preview follows the typing), ask for consent
(which saves the edits first), the author approves from their consent page,
publish, withdraw with a reason, propose again. Every workspace page fits
without sideways scrolling and axe-core finds no serious or critical
violation on it. Screenshots of the list and the editor go to $SCREENSHOT_DIR
(docs/screenshots/ keeps them).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from feed.highlights.models import Consent, Highlight
from feed.wins.services import win_create
from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.browser.test_public_stories import picture, serious_violations
from tests.factories import comms_user

pytestmark = pytest.mark.browser

COMMS = "comms@example.com"
EMPLOYEE = "employee@example.com"


# Other candidates beside the one comms propose, so the list looks like a week's.
OTHER_WINS = [
    ("The new onboarding checklist got three new hires productive in their first week", "waves"),
    ("Terminamos la migración del almacén sin un solo pedido perdido", None),
    ("Our first customer workshop in Bilbao sold out in two days", "confetti"),
]


def check_page(page: Page, name: str, found: list[str]) -> None:
    """The page fits its width and axe-core finds nothing serious."""
    expect(page.locator("h1").first).to_be_visible()
    sideways = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert sideways <= 0, f"{name} scrolls sideways by {sideways}px"
    found += [f"{name}: {v}" for v in serious_violations(page)]


@pytest.mark.parametrize(("device", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_comms_workflow(
    browser, live_server, demo_people, sign_in, console_problems, screenshot, device, viewport
):
    # The demo comms login reads Spanish; this test reads the English words.
    User.objects.filter(email__in=[COMMS, EMPLOYEE]).update(language="en")
    # A transactional test before this one emptied the group the migration made.
    comms_user(email="carla@example.com").groups.first().user_set.add(User.objects.get(email=COMMS))
    others = User.objects.exclude(email__in=[COMMS, EMPLOYEE]).filter(is_active=True)
    for n, (text, style) in enumerate(OTHER_WINS):
        win_create(
            author=others[n * 3],
            body=text,
            **(picture(style, n + 10) if style else {}),
        )
    win = win_create(
        author=User.objects.get(email=EMPLOYEE),
        body="Cerramos la semana con la cola de tickets a cero por primera vez en meses. "
        "Ha sido un trabajo de todo el equipo #soporte",
        **picture("rings", 3),
    )
    found: list[str] = []
    context, page = open_page(browser, viewport, console_problems)
    sign_in(page, COMMS)

    # The list: the win is a candidate with its photo, author and team.
    page.goto(f"{live_server.url}/comms/")
    card = page.locator(".candidate-card", has_text="cola de tickets a cero")
    expect(card).to_be_visible()
    expect(card.locator("img.candidate-photo")).to_be_visible()
    check_page(page, f"workspace ({device})", found)

    # Propose: the editor opens with a short title from the first sentence.
    card.get_by_role("button", name="Propose").click()
    title = page.get_by_label("Title")
    expect(title).to_have_value("Cerramos la semana con la cola de tickets a cero")
    story = page.locator("#story-form textarea[name=text]")
    expect(story).not_to_contain_text("#soporte")

    # Edit: the preview (the public page's own story) follows the typing.
    title.fill("Cola de tickets a cero")
    expect(page.locator("#preview h1")).to_have_text("Cola de tickets a cero")
    expect(page.locator("#preview img.preview-card")).to_have_attribute(
        "src", re.compile(r"title=Cola\+de\+tickets\+a\+cero")
    )
    check_page(page, f"editor ({device})", found)
    page.wait_for_function(
        "() => { const card = document.querySelector('#preview img.preview-card');"
        " return card && card.complete && card.naturalWidth === 1200; }"
    )
    screenshot(page, f"comms-editor-{device}")

    # Ask for consent: the edit is saved with it.
    page.get_by_role("button", name="Save and ask for consent").click()
    expect(page.locator(".messages")).to_contain_text("consent asked")
    highlight = Highlight.objects.get(win=win)
    assert (highlight.status, highlight.title) == ("awaiting", "Cola de tickets a cero")
    expect(page.locator(".consent-list")).to_contain_text("Waiting for an answer")

    # The author approves from their consent page.
    consent = Consent.objects.get(highlight=highlight, person__email=EMPLOYEE, answer="pending")
    author_context, author_page = open_page(browser, viewport, console_problems)
    sign_in(author_page, EMPLOYEE)
    author_page.goto(f"{live_server.url}/wins/consent/{consent.pk}/")
    author_page.get_by_role("button", name="Approve").click()
    expect(author_page.locator("body")).to_contain_text(
        "Comms will publish it once everyone named has agreed"
    )
    author_context.close()

    # Publish: the primary action once everyone approved.
    page.reload()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("body")).to_contain_text("Saved and published.")
    highlight.refresh_from_db()
    assert highlight.status == "published"
    public = page.context.new_page()
    assert public.goto(f"{live_server.url}/highlights/{highlight.slug}/").status == 200
    public.close()

    # Withdraw, with a reason, on its own page.
    page.get_by_role("button", name="Withdraw…").click()
    check_page(page, f"withdraw ({device})", found)
    page.get_by_label("Why are you withdrawing it?").fill("Falta confirmar una cifra")
    page.get_by_role("button", name="Withdraw", exact=True).click()
    expect(page.locator("body")).to_contain_text("Withdrawn.")
    expect(page.locator(".history-list")).to_contain_text("Falta confirmar una cifra")
    highlight.refresh_from_db()
    assert highlight.status == "withdrawn"

    # Propose again: a new draft with the same text.
    page.get_by_role("button", name="Propose again").click()
    expect(page.get_by_label("Title")).to_have_value("Cola de tickets a cero")
    copy = Highlight.objects.get(win=win, status="draft")
    assert copy.text == highlight.text
    check_page(page, f"editor again ({device})", found)

    # The list now has the new draft in progress and the withdrawn copy.
    page.goto(f"{live_server.url}/comms/")
    expect(page.locator(".story-row")).to_have_count(2)
    check_page(page, f"workspace after ({device})", found)
    screenshot(page, f"comms-workspace-{device}")
    context.close()

    assert found == []
    assert console_problems == []
