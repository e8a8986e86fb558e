"""A digest costs the same number of queries for a team of 2 and a team of 30.

Building it (`digest_build`) and building the whole message from its row
(`message_build`: preference, digest, rendering of three templates) are
measured with wins, credits and pictures, for direct reports and for a tree.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Cadence, EmailPreference
from feed.notifications.digests import digest_build
from feed.notifications.emails import message_build
from feed.notifications.models import Email
from feed.notifications.periods import period_from_key
from feed.notifications.services import preference_set
from tests.factories import UserFactory
from tests.feed.notifications.digest_helpers import (
    LAST_WEEK,
    MADRID,
    in_last_week,
    manager_with_team,
    win_at,
)

pytestmark = pytest.mark.django_db

# The people, their wins, the credits on those wins; the preference when not given.
BUILD_BUDGET = 4
# The preference (cadence and scope), then the digest's three queries; rendering adds none.
MESSAGE_BUDGET = 4


def team_of(size: int, *, name: str, tree: bool = False):
    """A manager with `size` people (in two levels when `tree`), each with two wins
    of last week, one with a picture and credits, plus some people without wins."""
    manager, direct = manager_with_team(name=name, reports=size if not tree else 2)
    people = list(direct)
    if tree:
        for n in range(size - 2):
            people.append(
                UserFactory(
                    name=f"Deep {n} of {name}",
                    email=f"deep{n}.{name.lower().replace(' ', '.')}@example.com",
                    team=manager.team,
                    manager=direct[n % 2],
                )
            )
        preference_set(
            user=manager,
            kind=EmailPreference.DIGEST,
            cadence=Cadence.WEEKLY,
            scope=EmailPreference.DigestScope.TREE,
        )
    for n, person in enumerate(people[: max(1, len(people) - 2)]):
        mates = tuple(p for p in people[:3] if p != person)
        win_at(person, in_last_week(hours=n + 40), f"Win {n} by {person.name}", reactions=n)
        win_at(
            person,
            in_last_week(hours=n),
            f"Photo {n} by {person.name}",
            photo=True,
            comments=n % 4,
            credited=mates,
            team_only=n % 3 == 0,
        )
    return manager, people


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize("tree", [False, True], ids=["direct", "tree"])
def test_building_a_digest_costs_the_same_at_2_and_30_people(tree, django_assert_max_num_queries):
    period = period_from_key(key=LAST_WEEK, time_zone=MADRID)
    small, _people = team_of(2, name="Small Boss", tree=tree)
    large, _people = team_of(30, name="Large Boss", tree=tree)

    with django_assert_max_num_queries(BUILD_BUDGET):
        small_digest = digest_build(manager=small, period=period)
    with django_assert_max_num_queries(BUILD_BUDGET):
        large_digest = digest_build(manager=large, period=period)

    assert large_digest.totals.people == 30
    assert large_digest.totals.wins == 2 * 28
    assert small_digest.totals.wins == 2
    assert count_queries(lambda: digest_build(manager=small, period=period)) == count_queries(
        lambda: digest_build(manager=large, period=period)
    )


@pytest.mark.parametrize("tree", [False, True], ids=["direct", "tree"])
def test_the_whole_message_costs_the_same_at_2_and_30_people(tree, django_assert_max_num_queries):
    small, _people = team_of(2, name="Small Boss", tree=tree)
    large, _people = team_of(30, name="Large Boss", tree=tree)
    rows = [
        Email.objects.create(recipient=manager, kind=Email.Kind.DIGEST, period=LAST_WEEK)
        for manager in (small, large)
    ]
    for row in rows:
        row.recipient = type(row.recipient).objects.get(pk=row.recipient_id)

    with django_assert_max_num_queries(MESSAGE_BUDGET):
        small_message = message_build(email=rows[0])
    with django_assert_max_num_queries(MESSAGE_BUDGET):
        large_message = message_build(email=rows[1])

    assert small_message.body.count("Photo ") == 1
    assert large_message.alternatives[0][0].count("<img ") == 28
    assert count_queries(lambda: message_build(email=rows[0])) == count_queries(
        lambda: message_build(email=rows[1])
    )
