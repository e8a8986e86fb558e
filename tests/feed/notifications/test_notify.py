"""Who is told what (`feed.notifications.services.notify_*`), through the feed's own services.

Nobody is told about their own doing, nobody is told about a win they may not
see, reactions group into one unread line per win, and an email is recorded
only for kinds wanted immediately.
"""

from __future__ import annotations

import pytest

from accounts.models import Cadence, NotificationKind
from feed.notifications.models import Email, Notification
from feed.notifications.services import notifications_mark_read, preference_set
from feed.wins.models import Win
from feed.wins.services import comment_create, reaction_toggle, win_create
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def author(team):
    return UserFactory(name="Wendy Author", email="wendy@example.com", team=team)


@pytest.fixture
def ana(team):
    return UserFactory(name="Ana García", email="ana@example.com", team=team)


@pytest.fixture
def win(author):
    return WinFactory(author=author)


def lines(person) -> list[tuple[str, int]]:
    return list(
        Notification.objects.filter(recipient=person).order_by("pk").values_list("kind", "actor_id")
    )


# --------------------------------------------------------------------------
# Comments and mentions
# --------------------------------------------------------------------------
def test_a_comment_tells_the_author_and_each_person_mentioned(author, ana, win):
    carl = UserFactory(email="carl@example.com")

    comment = comment_create(win=win, author=ana, body="Great work, @carl!")

    assert lines(author) == [(NotificationKind.COMMENT, ana.pk)]
    assert lines(carl) == [(NotificationKind.MENTION, ana.pk)]
    assert Notification.objects.get(recipient=carl).comment == comment
    assert Notification.objects.get(recipient=author).win == win


def test_an_author_also_mentioned_gets_one_line_the_mention(author, ana, win):
    comment_create(win=win, author=ana, body="Well done @wendy")

    assert lines(author) == [(NotificationKind.MENTION, ana.pk)]


def test_nobody_is_told_about_their_own_doing(author, win):
    comment_create(win=win, author=author, body="Thanks all, and me @wendy")
    reaction_toggle(win=win, user=author, kind="clap")

    assert Notification.objects.count() == 0


def test_a_team_only_win_never_tells_anyone_outside_the_team(author, ana, team):
    """A mention of someone outside the team on a team-only win creates nothing."""
    outsider = UserFactory(email="olga@example.com", team=TeamFactory(name="Legal"))
    win = WinFactory(author=author, visibility=Win.Visibility.TEAM, team=team)

    comment_create(win=win, author=ana, body="Should @olga see this? @wendy")

    assert lines(outsider) == []
    assert lines(author) == [(NotificationKind.MENTION, ana.pk)]
    assert not Email.objects.filter(recipient=outsider).exists()


def test_inactive_people_are_not_told(author, ana, win):
    gone = UserFactory(email="gone@example.com")
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    comment_create(win=win, author=ana, body="Like @gone used to say")

    assert lines(gone) == []


# --------------------------------------------------------------------------
# Reactions
# --------------------------------------------------------------------------
def test_reactions_group_into_one_unread_line_per_win(author, ana, win):
    others = [UserFactory() for _ in range(3)]
    for person in others:
        reaction_toggle(win=win, user=person, kind="clap")
    reaction_toggle(win=win, user=ana, kind="love")
    reaction_toggle(win=win, user=ana, kind="clap")  # a second kind by the same person

    line = Notification.objects.get(recipient=author)
    assert line.kind == NotificationKind.REACTION
    assert line.actor == ana  # the latest
    assert line.actor_count == 4  # people, not reactions
    assert set(line.actors.all()) == {*others, ana}


def test_a_reaction_after_reading_starts_a_new_line(author, ana, win):
    reaction_toggle(win=win, user=UserFactory(), kind="clap")
    notifications_mark_read(user=author)

    reaction_toggle(win=win, user=ana, kind="clap")

    assert Notification.objects.filter(recipient=author).count() == 2
    newest = Notification.objects.filter(recipient=author, read_at__isnull=True).get()
    assert (newest.actor, newest.actor_count) == (ana, 1)


def test_taking_a_reaction_back_tells_nobody(author, ana, win):
    reaction_toggle(win=win, user=ana, kind="clap")
    reaction_toggle(win=win, user=ana, kind="clap")

    assert Notification.objects.filter(recipient=author).count() == 1


# --------------------------------------------------------------------------
# Credits
# --------------------------------------------------------------------------
def test_people_credited_on_a_new_win_are_told(author, ana):
    win = win_create(author=author, body="Shipped it with @ana", credited=[])

    assert lines(ana) == [(NotificationKind.CREDIT, author.pk)]
    assert Notification.objects.get(recipient=ana).win == win


# --------------------------------------------------------------------------
# Which emails are recorded
# --------------------------------------------------------------------------
def test_mentions_are_emailed_at_once_comments_wait_for_the_summary(author, ana, win):
    carl = UserFactory(email="carl@example.com")

    comment_create(win=win, author=ana, body="Nice, @carl")

    assert list(Email.objects.values_list("recipient_id", "kind")) == [(carl.pk, "mention")]


def test_a_kind_turned_off_records_no_email(author, ana, win):
    carl = UserFactory(email="carl@example.com")
    preference_set(user=carl, kind=NotificationKind.MENTION, cadence=Cadence.NEVER)

    comment_create(win=win, author=ana, body="Nice, @carl")

    assert lines(carl) == [(NotificationKind.MENTION, ana.pk)]  # the bell still says it
    assert not Email.objects.exists()


def test_reactions_wanted_at_once_record_one_email_per_new_person(author, ana, win):
    preference_set(user=author, kind=NotificationKind.REACTION, cadence=Cadence.IMMEDIATELY)

    reaction_toggle(win=win, user=ana, kind="clap")
    reaction_toggle(win=win, user=ana, kind="love")  # the same person again: no new email
    reaction_toggle(win=win, user=UserFactory(), kind="clap")

    line = Notification.objects.get(recipient=author)
    assert sorted(Email.objects.values_list("period", flat=True)) == [
        f"n{line.pk}-1",
        f"n{line.pk}-2",
    ]
