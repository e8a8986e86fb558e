"""`Win.objects.visible_to` is the one rule every page starts from: tested here thoroughly."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from feed.wins.models import Win
from tests.factories import TeamFactory, UserFactory, WinFactory, moderator_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    care, sales = TeamFactory(name="Customer Care"), TeamFactory(name="Sales")
    author = UserFactory(team=care)
    return {
        "author": author,
        "teammate": UserFactory(team=care),
        "outsider": UserFactory(team=sales),
        "teamless": UserFactory(team=None),
        "staff_outsider": UserFactory(team=sales, is_staff=True),
        "moderator": moderator_user(team=sales),
        "superuser": UserFactory(team=sales, is_staff=True, is_superuser=True),
        "public": WinFactory(author=author, visibility="everyone"),
        "team_only": WinFactory(author=author, visibility="team"),
        "hidden": WinFactory(author=author, is_hidden=True, hidden_reason="Confidential"),
    }


def _visible(user) -> set[int]:
    return set(Win.objects.visible_to(user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        ("author", {"public", "team_only", "hidden"}),
        ("teammate", {"public", "team_only"}),
        ("outsider", {"public"}),
        ("teamless", {"public"}),
        # Staff see hidden wins only when they moderate (`feed.change_report`).
        ("staff_outsider", {"public"}),
        ("moderator", {"public", "hidden"}),
        ("superuser", {"public", "hidden"}),
    ],
)
def test_who_sees_which_win(world, viewer, sees):
    assert _visible(world[viewer]) == {world[name].pk for name in sees}


def test_anonymous_visitors_see_nothing(world):
    assert _visible(AnonymousUser()) == set()


def test_deactivated_people_see_nothing(world):
    world["teammate"].is_active = False
    assert _visible(world["teammate"]) == set()


def test_team_only_win_stays_with_the_team_it_was_posted_in(world):
    """Moving the author to another team does not carry their team-only wins along."""
    sales = world["outsider"].team
    world["author"].team = sales
    world["author"].save()
    assert world["team_only"].pk in _visible(world["teammate"])
    assert world["team_only"].pk not in _visible(world["outsider"])
