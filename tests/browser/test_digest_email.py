"""The manager digest email on a phone: its HTML part, rendered in Chromium at
390 px, has no sideways scrolling, reads with images off, and names only the
people who shared something.

Mail clients render the HTML part as they get it, without the site around it,
so the test loads exactly that part (`page.set_content`) and blocks every
image, as many clients do until asked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accounts.models import User
from feed.notifications.emails import message_build
from feed.notifications.models import Email
from tests.browser.conftest import PHONE
from tests.feed.notifications.digest_helpers import (
    LAST_WEEK,
    in_last_week,
    manager_with_team,
    win_at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def digest_html() -> str:
    """Last week's digest for Marta: three of her five people shared wins, with a
    long unbroken word, credits, photos and an @handle in the text."""
    manager, people = manager_with_team(reports=5)
    names = ["Ana Arias", "Luis Luna", "Pau Paz", "Quim Quiet", "Rita Rest"]
    for person, name in zip(people, names, strict=True):
        User.objects.filter(pk=person.pk).update(name=name)
    ana, luis, pau, *_quiet = (User.objects.get(pk=p.pk) for p in people)
    win_at(
        ana,
        in_last_week(hours=10),
        "Closed the Bilbao renewal with @" + luis.email.split("@")[0] + " in one call: "
        "supercalifragilisticexpialidocious-customer-success-playbook-version-two",
        reactions=12,
        comments=4,
        photo=True,
        credited=(luis, pau),
    )
    win_at(luis, in_last_week(hours=40), "Fixed the printer on the third floor", reactions=3)
    win_at(pau, in_last_week(hours=70), "Trained two new colleagues on the CRM", photo=True)
    email = Email.objects.create(
        recipient=manager, kind=Email.Kind.DIGEST, period=LAST_WEEK, message_id="<d@test>"
    )
    message = message_build(email=email)
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def test_the_digest_fits_a_phone_and_reads_with_images_off(phone, digest_html, screenshot):
    phone.set_viewport_size(PHONE)
    phone.route("**/*", lambda route: route.abort())  # images off, nothing fetched
    phone.set_content(digest_html)

    width = phone.evaluate("document.documentElement.scrollWidth")
    # What sticks out, to say where to look when it fails.
    wide = phone.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 392).slice(0, 5)"
        ".map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40))"
    )
    assert width <= 390, f"the digest is {width} px wide at 390 px: {wide}"
    # Every image says what it shows, so nothing is lost without it.
    alts = phone.evaluate("[...document.images].map(img => img.getAttribute('alt'))")
    assert alts, "the digest has photos to check"
    assert all(alt and alt.strip() for alt in alts), alts
    text = phone.inner_text("body")
    # The facts are in the text, not only in pictures.
    assert "Ana Arias" in text
    assert "Closed the Bilbao renewal" in text
    assert re.search(r"\b3\b", text)
    # Names where the author typed a handle; the quiet are counted, never named.
    assert "@report" not in text
    assert "Quim Quiet" not in text
    assert "Rita Rest" not in text
    assert "2 people on your team did not share a win this week." in text

    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = screenshot(phone, "digest-email-phone")
    (DOCS_SCREENSHOTS / "digest-email-phone.png").write_bytes(path.read_bytes())
