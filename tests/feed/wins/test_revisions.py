"""A win's revision goes up with every change to what its card shows (`feed.wins.revisions`).

The services raise it in the transaction of the change; the receivers that
remain are only for changes made where no service runs (the admin, allauth,
cascades). These tests name every one of them and show each works, and check
that the services raise the revision themselves.
"""

from __future__ import annotations

import pytest
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from accounts.models import Team, User
from accounts.services.people_csv import PersonRow
from accounts.services.people_import import people_import
from accounts.services.profiles import user_update_profile
from feed.wins import revisions, services
from feed.wins.models import Comment, Credit, Reaction, Report, Tag, Win
from tests.factories import TeamFactory, UserFactory, moderator_user

pytestmark = pytest.mark.django_db

REMAINING_RECEIVERS = {
    ("post_save", "User"): ["_person_saved"],
    ("pre_delete", "User"): ["_person_deleted"],
    ("post_save", "Team"): ["_team_saved"],
    ("pre_delete", "Team"): ["_team_deleted"],
    ("post_save", "Tag"): ["_tag_saved"],
    ("pre_delete", "Tag"): ["_tag_deleted"],
    ("post_delete", "Comment"): ["_comment_deleted"],
}
SIGNALS = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
    "m2m_changed": m2m_changed,
}
SENDERS = [
    User, Team, Tag, Win, Credit, Reaction, Comment, Report,
    Win.tags.through, Comment.mentions.through,
]  # fmt: skip


def project_receivers() -> dict[tuple[str, str], list[str]]:
    """Receivers of our own code connected to model signals of people and wins."""
    found: dict[tuple[str, str], list[str]] = {}
    for signal_name, signal in SIGNALS.items():
        for sender in SENDERS:
            sync, _async = signal._live_receivers(sender)
            ours = [
                f.__name__
                for f in sync
                if f.__module__.split(".")[0] in {"accounts", "feed", "wins_net"}
            ]
            if ours:
                found[(signal_name, sender.__name__)] = ours
    return found


def test_the_only_receivers_left_are_the_ones_revisions_lists():
    """Every model signal receiver of the product is one of `feed.wins.revisions`,
    listed in its docstring; services raise the revision themselves."""
    assert project_receivers() == REMAINING_RECEIVERS
    for names in REMAINING_RECEIVERS.values():
        for name in names:
            assert getattr(revisions, name).__module__ == "feed.wins.revisions"
            assert f"`{name}`" in revisions.__doc__


@pytest.fixture
def team():
    return TeamFactory(name="Customer Care")


@pytest.fixture
def author(team):
    return UserFactory(name="Ana García", team=team)


@pytest.fixture
def win(author):
    return services.win_create(author=author, body="We closed the backlog #support")


def revision(win: Win) -> int:
    return Win.objects.values_list("revision", flat=True).get(pk=win.pk)


class Raised:
    """`with Raised(win):` asserts that the block gave `win` a new revision."""

    def __init__(self, win: Win, *, raised: bool = True) -> None:
        self.win, self.raised = win, raised

    def __enter__(self) -> None:
        self.before = revision(self.win)

    def __exit__(self, *exc_info) -> None:
        if exc_info[0] is None:
            assert (revision(self.win) > self.before) is self.raised


# --------------------------------------------------------------------------
# The receivers that remain, one by one
# --------------------------------------------------------------------------
def test_person_saved_whole_as_the_admin_does(author, win):
    """`_person_saved`: a person renamed in the admin (a whole-row save)."""
    with Raised(win):
        author.name = "Ana G. Ruiz"
        author.save()


def test_a_person_saved_field_by_field_is_left_to_the_services(author, win):
    """`_person_saved` ignores saves of chosen fields (a sign-in's `last_login`,
    a password): a service that changes what cards show raises the revision itself."""
    with Raised(win, raised=False):
        author.save(update_fields=["last_login"])


def test_person_deleted_leaves_the_cards_they_were_on(author, win):
    """`_person_deleted`: their comment and reaction go with them, by cascade."""
    luis = UserFactory(name="Luis")
    services.comment_create(win=win, author=luis, body="Well done")
    services.reaction_toggle(win=win, user=luis, kind="clap")
    with Raised(win):
        luis.delete()


def test_team_saved_renamed_in_the_admin(team, win):
    """`_team_saved`: the team is shown under its members' names."""
    with Raised(win):
        team.name = "Customer Happiness"
        team.save()


def test_team_deleted(team, win):
    """`_team_deleted`: its members are left without a team, without a signal each."""
    with Raised(win):
        team.delete()


def test_tag_saved_renamed_in_the_admin(win):
    """`_tag_saved`: a tag renamed, or made one of the organisation's values."""
    tag = Tag.objects.get(name="support")
    with Raised(win):
        tag.is_value = True
        tag.save()


def test_tag_deleted(win):
    """`_tag_deleted`: its links go without a signal per win."""
    with Raised(win):
        Tag.objects.get(name="support").delete()


def test_comment_deleted_from_the_admin(win):
    """`_comment_deleted`: the admin deletes the comment itself, or a selection."""
    first = services.comment_create(win=win, author=UserFactory(), body="First")
    services.comment_create(win=win, author=UserFactory(), body="Second")
    with Raised(win):
        first.delete()
    with Raised(win):
        Comment.objects.filter(win=win).delete()


# --------------------------------------------------------------------------
# The services raise it themselves
# --------------------------------------------------------------------------
def test_the_wins_services_raise_the_revision(author, win):
    """Every service that changes what the card shows, in its own transaction."""
    luis = UserFactory(name="Luis", team=author.team)
    moderator = moderator_user()
    with Raised(win):
        services.win_update(
            win=win, editor=author, body="We closed the backlog, again #support #kudos",
            visibility="everyone", credited=[luis],
        )  # fmt: skip
    with Raised(win):
        services.reaction_toggle(win=win, user=luis, kind="love")
    with Raised(win):
        services.reaction_toggle(win=win, user=luis, kind="love")  # taken back
    with Raised(win):
        comment = services.comment_create(win=win, author=luis, body="Great")
    with Raised(win):
        services.comment_hide(comment=comment, moderator=moderator, reason="Off topic")
    with Raised(win):
        services.comment_unhide(comment=comment, moderator=moderator)
    with Raised(win):
        services.comment_delete(comment=comment, user=luis)
    with Raised(win):
        report = services.report_create(reporter=luis, reason=Report.Reason.OTHER, win=win)
        services.content_hide(report=report, moderator=moderator, reason="Off topic")
    with Raised(win):
        services.win_unhide(win=win, moderator=moderator)


def test_a_profile_change_raises_the_revision_of_the_cards_showing_the_person(author, win):
    """`user_update_profile` announces it (`accounts.events.people_changed`)."""
    with Raised(win):
        user_update_profile(
            user=author, name="Ana G. Ruiz", job_title="Support lead",
            language="en", time_zone="Europe/Madrid",
        )  # fmt: skip


def test_the_people_import_raises_the_revision_of_the_people_it_changes(author, win):
    """A bulk update saves no model: the import announces who changed."""
    with Raised(win):
        result = people_import(rows=[PersonRow(line=2, email=author.email, name="Ana Importada")])
    assert result.updated == 1
