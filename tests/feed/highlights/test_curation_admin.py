"""The curation queue in the admin area: comms find the wins worth telling outside."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feed.highlights import services as highlights
from feed.highlights.models import Highlight
from feed.wins.models import Credit, Tag
from tests.factories import TeamFactory, UserFactory, WinFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:feed_curationcandidate_changelist")
# Session, user, permissions, the page's count and rows, tags of the rows, the
# team and tag filters: whatever the number of wins.
QUEUE_QUERY_BUDGET = 14


@pytest.fixture
def comms_client(client, comms, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms)
    return client


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [win.pk for win in response.context["cl"].result_list]


def test_comms_see_the_queue_ranked_by_score(comms_client):
    """More engagement ranks higher; a fresh win beats an old one with the same."""
    quiet = WinFactory(body="A quiet win")
    liked = WinFactory(body="A liked win", reaction_count=3)
    discussed = WinFactory(body="A discussed win", reaction_count=1, comment_count=4)
    old = WinFactory(body="An old discussed win", reaction_count=1, comment_count=4,
                     created_at=timezone.now() - timedelta(days=60))  # fmt: skip
    response = comms_client.get(QUEUE)
    assert listed(response) == [discussed.pk, liked.pk, old.pk, quiet.pk]
    assert "A discussed win" in response.text
    assert "Propose as highlight" in response.text
    assert "column-score sorted descending" in response.text
    # A column header still sorts by that column: here, oldest first.
    by_date = comms_client.get(QUEUE, {"o": "7"})
    assert listed(by_date) == [old.pk, quiet.pk, liked.pk, discussed.pk]


def test_the_queue_is_in_the_admin_index_for_comms_only(client, comms_client, settings):
    assert QUEUE in comms_client.get(reverse("admin:index")).text
    client.force_login(UserFactory(is_staff=True))
    assert QUEUE not in client.get(reverse("admin:index")).text


@pytest.mark.parametrize("is_staff", [False, True])
def test_others_cannot_open_the_queue(client, settings, is_staff):
    """Employees and managers are sent to sign in; staff outside comms are refused."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    WinFactory()
    client.force_login(UserFactory(is_staff=is_staff))
    response = client.get(QUEUE)
    if is_staff:
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_team_only_and_hidden_wins_never_appear(comms_client):
    shown = WinFactory(body="For everyone")
    team_only = WinFactory(body="Just for the team", visibility="team")
    hidden = WinFactory(body="Hidden by moderators", is_hidden=True)
    response = comms_client.get(QUEUE)
    assert listed(response) == [shown.pk]
    assert "Just for the team" not in response.text
    assert "Hidden by moderators" not in response.text
    for win in (team_only, hidden):
        page = comms_client.get(reverse("admin:feed_curationcandidate_change", args=[win.pk]))
        assert page.status_code == 302  # "does not exist": back to the queue
        assert page["Location"] == reverse("admin:index")


def test_filters_by_team_tag_posted_and_proposal(comms_client, comms):
    sales, care = TeamFactory(name="Sales"), TeamFactory(name="Care")
    teamwork = Tag.objects.create(name="teamwork")
    recent = WinFactory(author=UserFactory(team=sales))
    recent.tags.add(teamwork)
    month = WinFactory(
        author=UserFactory(team=care), created_at=timezone.now() - timedelta(days=20)
    )
    quarter = WinFactory(
        author=UserFactory(team=care), created_at=timezone.now() - timedelta(days=80)
    )
    highlights.highlight_propose(win=month, by=comms)

    assert listed(comms_client.get(QUEUE, {"team__id__exact": sales.pk})) == [recent.pk]
    assert listed(comms_client.get(QUEUE, {"tags__id__exact": teamwork.pk})) == [recent.pk]
    assert listed(comms_client.get(QUEUE, {"within": "7"})) == [recent.pk]
    assert set(listed(comms_client.get(QUEUE, {"within": "30"}))) == {recent.pk, month.pk}
    assert len(listed(comms_client.get(QUEUE, {"within": "90"}))) == 3
    assert listed(comms_client.get(QUEUE, {"proposed": "yes"})) == [month.pk]
    assert set(listed(comms_client.get(QUEUE, {"proposed": "no"}))) == {recent.pk, quarter.pk}


def test_search_by_text_author_and_tag(comms_client):
    by_text = WinFactory(body="We shipped the new onboarding guide")
    by_author = WinFactory(author=UserFactory(name="Rocío Márquez"), body="Something else")
    by_tag = WinFactory(body="Another thing")
    by_tag.tags.add(Tag.objects.create(name="sustainability"))
    WinFactory(body="Unrelated")
    assert listed(comms_client.get(QUEUE, {"q": "onboarding"})) == [by_text.pk]
    assert listed(comms_client.get(QUEUE, {"q": "Márquez"})) == [by_author.pk]
    assert listed(comms_client.get(QUEUE, {"q": "sustainability"})) == [by_tag.pk]


def test_rows_show_preview_counts_and_credits(comms_client, author, credited):
    win = WinFactory(author=author, body="A photo of the team", image_status="ready",
                     image="wins/2026/01/photo.webp", thumbnail="wins/2026/01/thumb.webp",
                     image_width=480, image_height=320, image_alt="Five people and a cake",
                     reaction_count=7, comment_count=2)  # fmt: skip
    Credit.objects.create(win=win, user=credited)
    processing = WinFactory(body="Still processing", image_status="processing",
                            image="wins/raw.jpg", image_width=4, image_height=3)  # fmt: skip
    response = comms_client.get(QUEUE)
    assert (
        '<img class="admin-preview" src="/media/wins/2026/01/thumb.webp" width="96" height="64" '
        'alt="Five people and a cake" loading="lazy">'
    ) in response.text
    row = response.context["cl"].result_list[0]
    assert row.pk == win.pk
    assert (row.reaction_count, row.comment_count, row.credit_total) == (7, 2, 1)
    assert row.score == (7 + 2 * 2 + 1 * 2 + 1) * 4
    assert "Ana García" in response.text
    assert "Customer Care" in response.text
    assert response.text.count("admin-preview") == 1  # nothing for the processing one
    assert processing.pk in listed(response)
    assert "css/admin_curation.css" in response.text  # styles from a file, as the CSP wants


def test_propose_one_from_the_queue_opens_it(comms_client, win):
    response = comms_client.post(
        QUEUE, {"action": "propose_highlight", "_selected_action": [str(win.pk)]}
    )
    highlight = Highlight.objects.get(win=win)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:feed_highlight_change", args=[highlight.pk])
    page = comms_client.get(response["Location"])
    assert "Proposed 1 highlight." in page.text
    assert highlight.status == "draft"
    assert highlight.created_by is not None

    queue = comms_client.get(QUEUE)
    link = reverse("admin:feed_highlight_change", args=[highlight.pk])
    assert f'<a href="{link}">Draft</a>' in queue.text


def test_propose_several_and_refusals_are_messages(comms_client, win, author):
    other = WinFactory(author=author)
    response = comms_client.post(
        QUEUE,
        {"action": "propose_highlight", "_selected_action": [str(win.pk), str(other.pk)]},
        follow=True,
    )
    assert Highlight.objects.count() == 2
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert ("success", "Proposed 2 highlights.") in said
    assert response.redirect_chain[-1][0].startswith(QUEUE)

    # Again: each win already has one in progress.
    response = comms_client.post(
        QUEUE,
        {"action": "propose_highlight", "_selected_action": [str(win.pk)]},
        follow=True,
    )
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert any(level == "error" and "already has a highlight" in text for level, text in said)
    assert Highlight.objects.count() == 2


def test_a_team_only_win_cannot_be_proposed_through_the_queue(comms_client, author):
    team_only = WinFactory(author=author, visibility="team")
    comms_client.post(
        QUEUE, {"action": "propose_highlight", "_selected_action": [str(team_only.pk)]}
    )
    assert not Highlight.objects.exists()


def test_nothing_is_added_edited_or_deleted_in_the_queue(comms_client, win):
    assert comms_client.get(reverse("admin:feed_curationcandidate_add")).status_code == 403
    page = comms_client.get(reverse("admin:feed_curationcandidate_change", args=[win.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert "We closed 100 tickets in a day" in page.text
    delete = reverse("admin:feed_curationcandidate_delete", args=[win.pk])
    assert comms_client.post(delete, {"post": "yes"}).status_code == 403
    assert 'value="delete_selected"' not in comms_client.get(QUEUE).text


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE, {"q": "win"}).status_code == 200
    return len(queries)


def test_the_queue_runs_the_same_queries_for_few_and_many_wins(
    comms_client, comms, django_assert_max_num_queries
):
    tag = Tag.objects.create(name="teamwork")

    def add(count: int) -> None:
        for n in range(count):
            win = WinFactory(
                body=f"A win number {n}",
                image_status="ready",
                thumbnail=f"wins/t{n}.webp",
                image_width=4,
                image_height=3,
            )
            win.tags.add(tag)
            Credit.objects.create(win=win, user=UserFactory())
            if n % 3 == 0:
                highlights.highlight_propose(win=win, by=comms)

    add(2)
    few = _queue_queries(comms_client)
    add(40)
    with django_assert_max_num_queries(QUEUE_QUERY_BUDGET):
        many = _queue_queries(comms_client)
    assert many == few


def test_the_queue_reads_as_a_queue_and_decides_first(comms_client, comms):
    """The columns that decide come right after the excerpt (on screen at 1280 px),
    the excerpt is short, there is no date hierarchy, and the words are the queue's."""
    long = WinFactory(body="A long story " + "with many words " * 20)
    proposed = WinFactory(body="Already a story")
    highlights.highlight_propose(win=proposed, by=comms)
    response = comms_client.get(QUEUE)
    page = response.text
    headers = re.findall(r'<th scope="col" class="(?:sortable )?column-(\w+)', page)
    assert headers[:4] == ["preview", "excerpt", "score", "proposal"]
    assert 'id="date-hierarchy-label"' not in page  # the "posted" filter does that job
    assert "Last 7 days" in page
    row = page.split(f'href="/admin/feed/curationcandidate/{long.pk}/change/')[1]
    excerpt = row.split(">", 1)[1].split("</a>", 1)[0]
    assert len(excerpt) <= 80
    assert excerpt.endswith("…")
    assert "<h1>Curation queue</h1>" in page
    assert "<title> Curation queue |" in " ".join(page.split())
    assert "Select highlight candidate to view" not in page
    assert "2 highlight candidates" in page
    assert "curation queue" not in page.replace("Curation queue", "")
