"""Reporting wins and comments, and what moderators then do in the admin area."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from feed.wins import services
from feed.wins.models import Comment, Report, Win
from feed.wins.search import win_search_vector_update
from tests.factories import TeamFactory, UserFactory, moderator_user

pytestmark = pytest.mark.django_db


def report_win_url(win) -> str:
    return reverse("feed:report_win", kwargs={"pk": win.pk})


def report_comment_url(comment) -> str:
    return reverse("feed:report_comment", kwargs={"pk": comment.pk})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def world():
    care, sales = TeamFactory(name="Care"), TeamFactory(name="Sales")
    author = UserFactory(name="Ada Author", team=care)
    reader = UserFactory(name="Rui Reader", team=care)
    outsider = UserFactory(name="Oto Outsider", team=sales)
    win = services.win_create(author=author, body="Moderation sample win")
    team_win = services.win_create(author=author, body="Team sample", visibility="team")
    comment = services.comment_create(win=win, author=outsider, body="Rude sample comment")
    team_comment = services.comment_create(win=team_win, author=reader, body="Team comment")
    return locals()


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["win", "comment"])
def test_login_required(client, world, name):
    url = report_win_url(world["win"]) if name == "win" else report_comment_url(world["comment"])
    assert client.get(url).status_code == 302


def test_the_form_shows_what_is_reported_and_the_reasons(client, world):
    client.force_login(world["reader"])
    response = client.get(report_win_url(world["win"]))
    assert response.status_code == 200
    assert "Moderation sample win" in response.text
    for value, _label in Report.Reason.choices:
        assert f'value="{value}"' in response.text


def test_reporting_a_win(client, world):
    client.force_login(world["reader"])
    response = client.post(
        report_win_url(world["win"]), {"reason": "inaccurate", "note": "  The numbers are off "}
    )
    assert response.status_code == 302
    assert response["Location"] == world["win"].get_absolute_url()
    report = Report.objects.get()
    assert (report.reporter, report.win, report.comment) == (world["reader"], world["win"], None)
    assert (report.reason, report.note, report.status) == (
        "inaccurate",
        "The numbers are off",
        "open",
    )
    assert "Thank you for reporting this" in texts(response)[0]


def test_reporting_a_comment(client, world):
    client.force_login(world["reader"])
    response = client.post(report_comment_url(world["comment"]), {"reason": "inappropriate"})
    assert (
        response["Location"] == f"{world['win'].get_absolute_url()}#comment-{world['comment'].pk}"
    )
    report = Report.objects.get()
    assert (report.win, report.comment) == (None, world["comment"])


def test_reporting_again_while_open_keeps_one_report(client, world):
    client.force_login(world["reader"])
    url = report_win_url(world["win"])
    client.post(url, {"reason": "inaccurate"})
    page = client.get(url)
    assert "You reported this on" in page.text
    response = client.post(url, {"reason": "other", "note": "again"})
    assert response.status_code == 302
    assert "already reported" in texts(response)[-1]
    report = Report.objects.get()
    assert report.reason == "inaccurate"


def test_a_closed_report_can_be_followed_by_a_new_one(client, world):
    client.force_login(world["reader"])
    url = report_win_url(world["win"])
    client.post(url, {"reason": "inaccurate"})
    services.report_dismiss(report=Report.objects.get(), moderator=moderator_user())
    client.post(url, {"reason": "other"})
    assert Report.objects.filter(status="open").count() == 1
    assert Report.objects.count() == 2


@pytest.mark.parametrize("data", [{}, {"reason": "spam"}, {"reason": "other", "note": "x" * 501}])
def test_bad_input_is_explained(client, world, data):
    client.force_login(world["reader"])
    response = client.post(report_win_url(world["win"]), data)
    assert response.status_code == 400
    assert "Your report was not sent" in response.text
    assert not Report.objects.exists()


def test_only_what_the_reporter_can_see(client, world):
    """Team-only wins, their comments and others' hidden comments are 404, like missing ones."""
    Comment.objects.filter(pk=world["comment"].pk).update(is_hidden=True)
    client.force_login(world["outsider"])
    assert client.get(report_win_url(world["team_win"])).status_code == 404
    assert client.post(report_win_url(world["team_win"]), {"reason": "other"}).status_code == 404
    assert client.get(report_comment_url(world["team_comment"])).status_code == 404
    assert client.get(reverse("feed:report_win", kwargs={"pk": 999999})).status_code == 404
    client.force_login(world["reader"])
    assert client.get(report_comment_url(world["comment"])).status_code == 404
    assert not Report.objects.exists()


# --------------------------------------------------------------------------
# Moderation in the admin area
# --------------------------------------------------------------------------
@pytest.fixture
def moderator(settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    return UserFactory(name="Mo Moderator", is_staff=True, is_superuser=True)


def run_action(client, moderator, action: str, reports) -> None:
    client.force_login(moderator)
    response = client.post(
        reverse("admin:feed_report_changelist"),
        {"action": action, "_selected_action": [r.pk for r in reports]},
    )
    assert response.status_code == 302


def test_reports_are_listed_for_staff(client, world, moderator):
    services.report_create(reporter=world["reader"], reason="other", win=world["win"])
    client.force_login(moderator)
    response = client.get(reverse("admin:feed_report_changelist"))
    assert response.status_code == 200
    assert "Moderation sample win" in response.text


def test_hiding_a_win_takes_it_out_of_every_page_but_the_authors_and_staffs(
    client, world, moderator
):
    win, reader, author = world["win"], world["reader"], world["author"]
    first = services.report_create(reporter=reader, reason="confidential", win=win)
    second = services.report_create(reporter=world["outsider"], reason="other", win=win)
    run_action(client, moderator, "hide_content", [first])

    win.refresh_from_db()
    assert win.is_hidden
    assert win.hidden_reason == "Shares confidential information"
    assert set(Report.objects.values_list("status", flat=True)) == {"hidden"}
    assert Report.objects.get(pk=second.pk).resolved_by == moderator
    win_search_vector_update()

    client.force_login(reader)
    assert "Moderation sample win" not in client.get(reverse("feed:home")).text
    assert (
        "Moderation sample win" not in client.get(reverse("feed:search"), {"q": "moderation"}).text
    )
    assert client.get(win.get_absolute_url()).status_code == 404
    assert "Moderation sample win" not in client.get(author.get_absolute_url()).text

    client.force_login(author)
    page = client.get(win.get_absolute_url())
    assert page.status_code == 200
    assert "Shares confidential information" in page.text
    assert "Moderation sample win" in client.get(reverse("feed:search"), {"q": "moderation"}).text

    client.force_login(moderator)
    assert client.get(win.get_absolute_url()).status_code == 200
    assert "Moderation sample win" in client.get(reverse("feed:search"), {"q": "moderation"}).text


def test_hiding_a_comment(client, world, moderator):
    comment, win = world["comment"], world["win"]
    report = services.report_create(
        reporter=world["author"], reason="inappropriate", comment=comment
    )
    run_action(client, moderator, "hide_content", [report])
    assert Comment.objects.get(pk=comment.pk).is_hidden
    client.force_login(world["reader"])
    assert "Rude sample comment" not in client.get(win.get_absolute_url()).text
    client.force_login(world["outsider"])
    page = client.get(win.get_absolute_url()).text
    assert "Rude sample comment" in page
    assert "Inappropriate or offensive" in page


def test_dismissing_keeps_the_content(client, world, moderator):
    report = services.report_create(reporter=world["reader"], reason="other", win=world["win"])
    run_action(client, moderator, "dismiss", [report])
    report.refresh_from_db()
    assert report.status == "dismissed"
    assert report.resolved_by == moderator
    assert not Win.objects.get(pk=world["win"].pk).is_hidden
    client.force_login(world["reader"])
    assert client.get(world["win"].get_absolute_url()).status_code == 200
