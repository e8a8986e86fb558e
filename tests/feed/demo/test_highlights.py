"""The demo has highlights in every state, made once."""

from __future__ import annotations

import pytest
from django.utils.text import slugify

from accounts.models import User
from feed.demo.highlights import seed_highlights
from feed.demo.page_views import demo_views_seed
from feed.demo.people import seed_people
from feed.demo.wins import seed_wins
from feed.highlights.drafts import TITLE_WORDS_MAX_CHARS, public_text, public_title
from feed.highlights.models import Highlight, HighlightView
from feed.notifications.models import Email, Notification
from feed.wins.access import is_comms


@pytest.fixture
def demo(db):
    seed_people(with_logins=True)
    seed_wins(count=40)


def test_seed_creates_every_state_once(demo):
    comms = User.objects.get(email="comms@example.com")
    assert is_comms(comms)
    counts = seed_highlights()
    assert set(counts) == set(Highlight.Status.values)
    statuses = set(Highlight.objects.values_list("status", flat=True))
    assert statuses == set(Highlight.Status.values)
    # Only wins for everyone, and nobody emailed about history.
    assert not Highlight.objects.exclude(win__visibility="everyone").exists()
    assert not Email.objects.filter(kind="consent").exists()
    assert not Notification.objects.filter(kind="consent").exists()
    # The demo employee's own win waits for their answer.
    employee = User.objects.get(email="employee@example.com")
    assert Highlight.objects.filter(status="awaiting", people__user=employee).exists()
    # Published ones went through every step.
    published = Highlight.objects.filter(status="published").first()
    assert list(published.events.values_list("action", flat=True))[-1] == "published"

    total = Highlight.objects.count()
    assert seed_highlights() == {}
    assert Highlight.objects.count() == total


def test_comms_gives_each_a_short_title_and_a_public_text(demo):
    """Edited as comms would before asking: a title much shorter than the win, the
    text without hashtags, and exactly that is what people are asked about."""
    comms = User.objects.get(email="comms@example.com")
    seed_highlights()
    for highlight in Highlight.objects.select_related("win"):
        assert 0 < len(highlight.title) <= TITLE_WORDS_MAX_CHARS
        assert len(highlight.title) < len(highlight.win.body)
        assert "#" not in highlight.text
        assert "@" not in highlight.text
        assert highlight.slug.startswith(slugify(highlight.title)[:80].strip("-"))
        # Proposing already gives these defaults (`feed.highlights.drafts`): comms
        # edits only where the demo idea has its own headline.
        assert highlight.events.filter(action__in=["proposed", "edited"], actor=comms).exists()
        for consent in highlight.consents.all():
            assert (consent.title, consent.text) == (highlight.title, highlight.text)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Rewrote our out-of-office reply so it says when people will hear back. Thanks!",
         "Rewrote our out-of-office reply"),
        ("He reescrito la respuesta para restablecer contraseñas: ahora lleva los pasos.",
         "He reescrito la respuesta para restablecer contraseñas"),
        ("Cerramos la semana con la cola de tickets a cero por primera vez en meses.",
         "Cerramos la semana con la cola de tickets a cero"),
        ("shipped it!", "Shipped it"),
    ],
)  # fmt: skip
def test_a_title_is_the_first_clause_cut_at_a_phrase(text, title):
    assert public_title(text) == title


def test_the_public_text_drops_hashtags():
    text = "Cola a cero. #soporte\n\nGracias, Ana #equipo"
    assert public_text(text) == "Cola a cero.\nGracias, Ana"


def test_seeding_people_twice_keeps_comms_in_the_group(db):
    seed_people(with_logins=True)
    seed_people(with_logins=True)
    comms = User.objects.get(email="comms@example.com")
    assert list(comms.groups.values_list("name", flat=True)) == ["Communications"]
    assert not is_comms(User.objects.get(email="employee@example.com"))


def test_demo_views_are_idempotent(demo):
    seed_highlights()
    first = demo_views_seed(days=10)
    counts = dict(HighlightView.objects.values_list("pk", "count"))
    assert first > 0
    assert demo_views_seed(days=10) == first
    assert dict(HighlightView.objects.values_list("pk", "count")) == counts
