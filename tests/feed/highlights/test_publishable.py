"""One rule decides whether a win may be, or stay, a public story:
`Win.objects.publishable()` (for everyone, not hidden by moderators). The
curation queue, the weekly candidates, proposing, asking, publishing and the
public pages all follow it, so changing it in one place changes them all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feed.highlights import services as highlights
from feed.highlights.curation import curation_queue, weekly_candidates
from feed.highlights.selectors import published_highlights, win_publishable
from feed.wins.models import Win
from tests.factories import HighlightFactory, WinFactory, comms_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def wins():
    return {
        "public": WinFactory(),
        "team": WinFactory(visibility=Win.Visibility.TEAM),
        "hidden": WinFactory(is_hidden=True),
    }


def test_only_wins_for_everyone_not_hidden_are_publishable(wins):
    """For everyone and not hidden: yes; kept for the team or hidden: no."""
    assert list(Win.objects.publishable()) == [wins["public"]]
    assert win_publishable(win=wins["public"])
    assert not win_publishable(win=wins["team"])
    assert not win_publishable(win=wins["hidden"])


def test_a_win_deleted_since_it_was_loaded_is_not_publishable(wins):
    """The single-win check reads the database, not the copy in hand."""
    win = wins["public"]
    Win.objects.filter(pk=win.pk).delete()
    assert not win_publishable(win=win)


def test_queue_candidates_and_public_pages_follow_the_one_rule(wins):
    """The curation queue, the weekly candidates and the public highlights list
    all show exactly the publishable wins."""
    for win in wins.values():
        HighlightFactory(win=win, status="published", published_at=timezone.now())
    publishable = set(Win.objects.publishable().values_list("pk", flat=True))
    assert {win.pk for win in curation_queue()} == publishable
    assert {win.pk for win in weekly_candidates()} == set()  # all proposed already
    assert {h.win_id for h in published_highlights().only("win")} == publishable


@pytest.mark.parametrize(("kind", "code"), [("team", "team_only"), ("hidden", "hidden")])
def test_proposing_an_unpublishable_win_says_why(wins, kind, code):
    """Comms cannot propose a win the rule refuses, and are told which way it fails."""
    with pytest.raises(ValidationError) as refused:
        highlights.highlight_propose(win=wins[kind], by=comms_user())
    assert refused.value.code == code
