"""People and highlights at each step, made through the services."""

from __future__ import annotations

import re

import pytest

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.wins.models import Credit
from tests.factories import UserFactory, WinFactory, comms_user


@pytest.fixture
def comms(db):
    return comms_user(email="comms.person@example.com")


@pytest.fixture
def author(db):
    return UserFactory(name="Ana García", team__name="Customer Care")


@pytest.fixture
def credited(db, author):
    return UserFactory(name="Luis Pérez", email="luis@example.com", team=author.team)


@pytest.fixture
def win(author, credited):
    win = WinFactory(author=author, body="We closed 100 tickets in a day\nThanks @luis!")
    Credit.objects.create(win=win, user=credited)
    return win


@pytest.fixture
def draft(win, comms):
    return highlights.highlight_propose(win=win, by=comms)


@pytest.fixture
def awaiting(draft, comms):
    consent_request(highlight=draft, by=comms)
    return draft


def consent_of(highlight, person):
    return highlight.consents.get(person=person, answer="pending")


@pytest.fixture
def approved(awaiting, author, credited):
    for person in (author, credited):
        consent_answer(consent=consent_of(awaiting, person), person=person, approve=True)
    awaiting.refresh_from_db()
    return awaiting


@pytest.fixture
def published(approved, comms):
    return highlights.highlight_publish(highlight=approved, by=comms)


def lines_lead_to(client, page: str) -> list[str]:
    """Where each line of a notifications page leads: every line is one link to
    `notifications:open`, which marks it read and redirects to its target."""
    return [client.get(path).url for path in re.findall(r'href="(/notifications/\d+/)"', page)]
