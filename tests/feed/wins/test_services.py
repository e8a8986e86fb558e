"""The feed's writes: what they guarantee."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feed.wins import services
from feed.wins.models import Reaction, Report, Tag, Win
from tests.factories import CommentFactory, TeamFactory, UserFactory, WinFactory, moderator_user

pytestmark = pytest.mark.django_db


def test_win_takes_tags_and_credits_from_its_text():
    author = UserFactory(email="emma@example.com")
    ana = UserFactory(email="ana.lopez@example.com", name="Ana López")
    luis = UserFactory(email="luis@example.com", name="Luis Gil")
    win = services.win_create(
        author=author,
        body="Migramos la base de datos con @ana.lopez sin cortes #Infra #infra @emma",
        tag_names=["teamwork"],
        credited=[luis],
    )
    assert sorted(t.name for t in win.tags.all()) == ["Infra", "teamwork"]
    assert set(win.credited.all()) == {ana, luis}


def test_existing_tag_is_reused_whatever_the_case():
    Tag.objects.create(name="ClientesFelices", is_value=True)
    win = services.win_create(author=UserFactory(), body="Otra reseña #clientesfelices")
    assert list(win.tags.values_list("name", flat=True)) == ["ClientesFelices"]
    assert Tag.objects.count() == 1


def test_empty_win_is_refused():
    with pytest.raises(ValidationError):
        services.win_create(author=UserFactory(), body="   \n ")
    assert not Win.objects.exists()


def test_team_only_needs_a_team():
    with pytest.raises(ValidationError):
        services.win_create(author=UserFactory(team=None), body="Hi", visibility="team")


def test_team_only_win_remembers_the_authors_team():
    team = TeamFactory()
    win = services.win_create(author=UserFactory(team=team), body="Hi", visibility="team")
    assert win.team == team


def test_only_the_author_edits_and_the_win_is_marked_edited():
    win = WinFactory()
    with pytest.raises(PermissionDenied):
        services.win_update(win=win, editor=UserFactory(), body="Mine now", visibility="everyone")
    services.win_update(win=win, editor=win.author, body="Better words", visibility="everyone")
    win.refresh_from_db()
    assert win.body == "Better words"
    assert win.edited_at is not None


def test_only_the_author_deletes():
    win = WinFactory()
    with pytest.raises(PermissionDenied):
        services.win_delete(win=win, user=UserFactory())
    services.win_delete(win=win, user=win.author)
    assert not Win.objects.exists()


def test_reaction_toggles_and_the_counter_follows():
    win, reader = WinFactory(), UserFactory()
    assert services.reaction_toggle(win=win, user=reader, kind="clap") is True
    assert services.reaction_toggle(win=win, user=reader, kind="love") is True
    win.refresh_from_db()
    assert win.reaction_count == 2
    assert services.reaction_toggle(win=win, user=reader, kind="clap") is False
    win.refresh_from_db()
    assert win.reaction_count == 1
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["love"]


def test_unknown_reaction_is_refused():
    with pytest.raises(ValidationError):
        services.reaction_toggle(win=WinFactory(), user=UserFactory(), kind="angry")


def test_comment_counts_and_records_mentions():
    win = WinFactory()
    ana = UserFactory(email="ana@example.com")
    comment = services.comment_create(win=win, author=UserFactory(), body="Gracias @ana!")
    win.refresh_from_db()
    assert win.comment_count == 1
    assert list(comment.mentions.all()) == [ana]


def test_only_the_comment_author_deletes_it():
    comment = CommentFactory()
    services.comment_create(win=comment.win, author=comment.author, body="second")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=comment.win.author)
    services.comment_delete(comment=comment, user=comment.author)
    comment.win.refresh_from_db()
    assert comment.win.comment_count == 0


def test_reporting_twice_keeps_one_open_report():
    win, reporter = WinFactory(), UserFactory()
    first = services.report_create(reporter=reporter, win=win, reason="confidential")
    second = services.report_create(reporter=reporter, win=win, reason="other")
    assert first.pk == second.pk


def test_hiding_resolves_every_open_report_on_the_content():
    win, moderator = WinFactory(), moderator_user()
    first = services.report_create(reporter=UserFactory(), win=win, reason="confidential")
    services.report_create(reporter=UserFactory(), win=win, reason="inaccurate")
    for not_a_moderator in (UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            services.content_hide(report=first, moderator=not_a_moderator, reason="")
    services.content_hide(report=first, moderator=moderator, reason="Client names")
    win.refresh_from_db()
    assert win.is_hidden
    assert win.hidden_reason == "Client names"
    assert not Report.objects.filter(status="open").exists()
