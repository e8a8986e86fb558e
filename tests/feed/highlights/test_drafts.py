"""A proposed draft starts from sensible defaults: a short title, names not handles."""

from __future__ import annotations

import pytest

from feed.highlights import services as highlights
from feed.highlights.drafts import public_text
from feed.wins.models import Credit
from tests.factories import UserFactory, WinFactory

pytestmark = pytest.mark.django_db


def test_handles_become_names_or_are_dropped_and_hashtags_go():
    text = "Thanks @luis and @nobody! We love #python here #equipo #soporte\n\n#extra"
    assert public_text(text, names={"luis": "Luis Pérez"}) == (
        "Thanks Luis Pérez and! We love python here"
    )
    assert public_text("Hi @marta.", keep={"marta"}) == "Hi @marta."


def test_propose_gives_a_short_title_from_the_first_sentence(comms, author, credited):
    win = WinFactory(
        author=author,
        body=(
            "Cerramos la semana con la cola de tickets a cero por primera vez en meses. "
            "Gracias @luis y @fantasma #soporte"
        ),
    )
    Credit.objects.create(win=win, user=credited)

    draft = highlights.highlight_propose(win=win, by=comms)

    assert draft.title == "Cerramos la semana con la cola de tickets a cero"
    assert draft.slug == "cerramos-la-semana-con-la-cola-de-tickets-a-cero"
    assert draft.text.endswith("Gracias Luis Pérez y")
    assert "#" not in draft.text
    assert "@" not in draft.text


def test_the_slug_follows_the_edited_title_until_published(draft, comms):
    highlights.highlight_update(
        highlight=draft, by=comms, title="Cien tickets en un día", text=draft.text,
        image_choice="none", image_alt="",
    )  # fmt: skip
    assert draft.slug == "cien-tickets-en-un-dia"


def test_handles_of_people_here_stay_to_be_flagged(comms, author):
    marta = UserFactory(email="marta.ruiz@example.com", name="Marta Ruiz")
    win = WinFactory(author=author, body="Gracias @marta.ruiz por todo")
    draft = highlights.highlight_propose(win=win, by=comms)
    assert "@marta.ruiz" in draft.text
    assert marta.pk not in set(draft.people.values_list("user_id", flat=True))
