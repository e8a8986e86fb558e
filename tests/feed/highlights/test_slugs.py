"""A story's address follows the title that was consented to and published; old
addresses redirect, and only addresses that were once public answer 410."""

from __future__ import annotations

import pytest
from django.urls import reverse

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.models import HighlightSlug
from feed.wins.models import Credit
from tests.factories import WinFactory

from .conftest import consent_of

pytestmark = pytest.mark.django_db


def page(slug: str) -> str:
    return reverse("highlights:detail", kwargs={"slug": slug})


def share(slug: str) -> str:
    return reverse("highlights:share_image", kwargs={"slug": slug})


def retitle(highlight, *, by, title: str):
    return highlights.highlight_update(
        highlight=highlight, by=by, title=title, text=highlight.text,
        image_choice="none", image_alt="",
    )  # fmt: skip


def approve_and_publish(highlight, *, by, people):
    for person in people:
        consent_answer(consent=consent_of(highlight, person), person=person, approve=True)
    highlight.refresh_from_db()
    return highlights.highlight_publish(highlight=highlight, by=by)


def test_a_new_title_moves_the_story_when_published_again(
    client, published, comms, author, credited, settings
):
    """Retitled and consented again, the story moves to its new title's address;
    the old page and share card answer 301 there, and the feeds link the new one."""
    old = published.slug
    retitle(published, by=comms, title="A record day for Customer Care")
    approve_and_publish(published, by=comms, people=[author, credited])

    assert published.slug == "a-record-day-for-customer-care"
    assert client.get(page(published.slug)).status_code == 200
    moved = client.get(page(old))
    assert moved.status_code == 301
    assert moved["Location"] == f"{settings.SITE_URL}{page(published.slug)}"
    card = client.get(share(old))
    assert card.status_code == 301
    assert card["Location"] == f"{settings.SITE_URL}{share(published.slug)}"
    assert client.get(share(published.slug)).status_code == 200
    for feed in ("highlights:feed", "highlights:latest_json", "highlights:list"):
        body = client.get(reverse(feed)).content.decode()
        assert page(published.slug) in body, feed
        assert page(old) not in body, feed
    assert list(HighlightSlug.objects.values_list("highlight", "slug")) == [(published.pk, old)]
    note = published.events.filter(action="published").last().note
    assert old in note
    assert published.slug in note


def test_a_title_not_yet_consented_never_shows_in_an_address(client, published, comms):
    """Between the edit and the new publication the story keeps its address (410
    while it is down), and the new title's address does not exist yet."""
    old = published.slug
    retitle(published, by=comms, title="A secret new title")
    published.refresh_from_db()

    assert (published.status, published.slug) == ("awaiting", old)
    assert client.get(page(old)).status_code == 410
    assert client.get(page("a-secret-new-title")).status_code == 404
    assert not HighlightSlug.objects.exists()


def test_an_edit_that_keeps_the_slug_keeps_the_address(client, published, comms, author, credited):
    """A title changed only in case or punctuation, or a new text, keeps the address."""
    old = published.slug
    retitle(published, by=comms, title=published.title.upper() + "!")
    approve_and_publish(published, by=comms, people=[author, credited])

    assert published.slug == old
    assert client.get(page(old)).status_code == 200
    assert not HighlightSlug.objects.exists()


def test_only_the_titles_made_public_become_past_addresses(published, comms, author, credited):
    """Two edits before the story is published again: the first edit's title
    was never public, so only the published address is kept."""
    old = published.slug
    retitle(published, by=comms, title="First try")
    retitle(published, by=comms, title="Second try")
    approve_and_publish(published, by=comms, people=[author, credited])

    assert published.slug == "second-try"
    assert list(HighlightSlug.objects.values_list("slug", flat=True)) == [old]


def test_a_moved_story_taken_down_is_gone_at_every_address(
    client, published, comms, author, credited
):
    old = published.slug
    retitle(published, by=comms, title="A record day for Customer Care")
    approve_and_publish(published, by=comms, people=[author, credited])
    highlights.highlight_withdraw(highlight=published, by=comms)

    assert client.get(page(old)).status_code == 410
    assert client.get(share(old)).status_code == 410
    assert client.get(page(published.slug)).status_code == 410


def test_a_past_address_is_never_given_to_another_story(client, published, comms, author, credited):
    """Another story with the old title gets another address; the old one still
    leads to the story that was public there."""
    old = published.slug
    title = published.title
    retitle(published, by=comms, title="A record day for Customer Care")
    approve_and_publish(published, by=comms, people=[author, credited])

    other = highlights.highlight_propose(
        win=WinFactory(author=author, body=f"{title}\nAgain!"), by=comms
    )
    assert other.title == title
    assert other.slug == f"{old}-2"
    consent_request(highlight=other, by=comms)
    approve_and_publish(other, by=comms, people=[author])
    assert other.slug == f"{old}-2"
    assert client.get(page(old))["Location"].endswith(page(published.slug))


def test_a_story_retitled_back_takes_its_address_back(client, published, comms, author, credited):
    old = published.slug
    title = published.title
    retitle(published, by=comms, title="A record day for Customer Care")
    approve_and_publish(published, by=comms, people=[author, credited])
    middle = published.slug
    retitle(published, by=comms, title=title)
    approve_and_publish(published, by=comms, people=[author, credited])

    assert published.slug == old
    assert client.get(page(old)).status_code == 200
    assert client.get(page(middle))["Location"].endswith(page(old))
    assert list(HighlightSlug.objects.values_list("slug", flat=True)) == [middle]


def test_an_address_that_never_went_public_is_404(client, comms, author, credited, draft):
    """Withdrawn or declined before publication, a story's address is a 404 like
    an unknown one: nobody can probe for the titles of drafts."""
    early = draft.slug
    retitle(draft, by=comms, title="Retitled draft")
    assert client.get(page(early)).status_code == 404
    highlights.highlight_withdraw(highlight=draft, by=comms)
    assert client.get(page(draft.slug)).status_code == 404
    assert client.get(share(draft.slug)).status_code == 404

    win = WinFactory(author=author, body="Another record\nwith @luis")
    Credit.objects.create(win=win, user=credited)
    declined = highlights.highlight_propose(win=win, by=comms)
    consent_request(highlight=declined, by=comms)
    consent_answer(consent=consent_of(declined, credited), person=credited, approve=False)
    declined.refresh_from_db()
    assert declined.status == "declined"
    assert client.get(page(declined.slug)).status_code == 404
    assert client.get(share(declined.slug)).status_code == 404


def test_the_atom_entry_keeps_its_id_when_the_story_moves(
    client, published, comms, author, credited
):
    """A feed reader sees the same story at its new address, not a new one."""

    def entry_id() -> str:
        body = client.get(reverse("highlights:feed")).content.decode()
        return body.split("<entry>", 1)[1].split("<id>", 1)[1].split("</id>", 1)[0]

    before = entry_id()
    retitle(published, by=comms, title="A record day for Customer Care")
    approve_and_publish(published, by=comms, people=[author, credited])

    assert before.startswith("urn:uuid:")
    assert entry_id() == before
