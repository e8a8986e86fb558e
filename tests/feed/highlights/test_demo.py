"""The demo has highlights in every state, made once."""

from __future__ import annotations

import pytest

from accounts.demo import seed_people
from accounts.models import User
from feed.demo import seed_wins
from feed.demo_highlights import seed_highlights
from feed.highlights import is_comms
from feed.models import Email, Highlight, Notification

pytestmark = pytest.mark.django_db


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


def test_seeding_people_twice_keeps_comms_in_the_group(db):
    seed_people(with_logins=True)
    seed_people(with_logins=True)
    comms = User.objects.get(email="comms@example.com")
    assert list(comms.groups.values_list("name", flat=True)) == ["Communications"]
    assert not is_comms(User.objects.get(email="employee@example.com"))
