"""Two people, two browsers: a win is posted, celebrated and answered, and its author sees it.

The employee posts a win with a photo and a credit; the manager, in a browser of
their own, reacts and comments; back in the employee's browser, both are there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_compose import photo, serve_media  # noqa: F401 - fixture and helper

pytestmark = pytest.mark.browser

TEXT = "Renewed the Bilbao contract for two more years"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_win_is_posted_celebrated_and_answered(
    browser, page, live_server, demo_people, sign_in, console_problems, screenshot, media_root,
    photo,  # noqa: F811
):  # fmt: skip
    serve_media(page, media_root)
    sign_in(page, "employee@example.com")
    page.goto(f"{live_server.url}/wins/new/")
    page.get_by_label("What went well today, Emma?").fill(TEXT)
    page.get_by_role("combobox", name="Give credit to").fill("@lucia.navarro")
    page.get_by_label("Photo", exact=True).set_input_files(photo)
    page.get_by_label("Describe the photo").fill("The signed contract on the meeting table")
    page.get_by_role("button", name="Share win").click()
    page.wait_for_url(f"{live_server.url}/")
    first = page.locator(".win-card").first
    expect(first).to_contain_text(TEXT)
    expect(first).to_contain_text("Lucía Navarro")
    expect(first.locator("img[alt='The signed contract on the meeting table']")).to_be_visible()

    manager_context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        manager = manager_context.new_page()
        serve_media(manager, media_root)
        sign_in(manager, "manager@example.com")
        card = manager.locator(".win-card").filter(has_text=TEXT)
        expect(card).to_be_visible()
        # The demo manager reads Wins in Spanish.
        expect(manager.locator("html")).to_have_attribute("lang", "es")
        card.get_by_role("button", name="Celebrar: 0 reacciones").click()
        expect(card.get_by_role("button", name="Celebrar: 1 reacción")).to_have_attribute(
            "aria-pressed", "true"
        )
        card.get_by_label("Añade un comentario").fill("¡Enorme, Emma! Gracias por cerrarlo.")
        card.get_by_role("button", name="Publicar").click()
        expect(card.locator(".comment-body").filter(has_text="¡Enorme, Emma!")).to_be_visible()
    finally:
        manager_context.close()

    page.reload()
    mine = page.locator(".win-card").filter(has_text=TEXT)
    expect(mine.get_by_role("button", name="Celebrate: 1 reaction")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(mine.locator(".comment-body").filter(has_text="¡Enorme, Emma!")).to_be_visible()
    screenshot(page, "whole-flow-employee")
    assert console_problems == []
