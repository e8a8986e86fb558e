"""Comms edit and move highlights in the admin area; refusals come back as
messages or form errors, and every change goes through `feed.highlights.services`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.models import Highlight, HighlightEvent
from feed.wins.models import Comment
from tests.factories import UserFactory, WinFactory
from wins_net.images import encode

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms_client(client, comms, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms)
    return client


def act(client, model: str, action: str, pks) -> list[tuple[str, str]]:
    response = client.post(
        reverse(f"admin:feed_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks]},
        follow=True,
    )
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_propose_as_highlight_from_the_wins(comms_client, client, settings, win, author):
    team_only = WinFactory(author=author, visibility="team")
    # Comms do not see team-only wins: posting one's id does nothing.
    said = act(comms_client, "win", "propose_highlight", [win.pk, team_only.pk])
    assert Highlight.objects.get().win == win
    assert said == [("success", "Proposed 1 highlight.")]
    # A superuser sees it, and the service refuses it.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    said = act(client, "win", "propose_highlight", [team_only.pk])
    assert any(level == "error" and "team only" in text for level, text in said)
    assert not Highlight.objects.filter(win=team_only).exists()


def test_ask_publish_withdraw_actions(comms_client, draft, author, credited):
    said = act(comms_client, "highlight", "ask_for_consent", [draft.pk])
    assert ("success", "Asked for consent on 1 highlight.") in said
    draft.refresh_from_db()
    assert draft.status == "awaiting"

    said = act(comms_client, "highlight", "publish", [draft.pk])
    assert said[0][0] == "error"
    assert "Only an approved highlight" in said[0][1]
    draft.refresh_from_db()
    assert draft.status == "awaiting"

    said = act(comms_client, "highlight", "withdraw", [draft.pk])
    assert ("success", "Withdrew 1 highlight.") in said
    draft.refresh_from_db()
    assert draft.status == "withdrawn"


def test_publish_action(comms_client, approved):
    said = act(comms_client, "highlight", "publish", [approved.pk])
    assert ("success", "Published 1 highlight.") in said
    approved.refresh_from_db()
    assert approved.status == "published"


def test_highlight_page_shows_people_consents_and_events(comms_client, awaiting):
    response = comms_client.get(reverse("admin:feed_highlight_change", args=[awaiting.pk]))
    assert response.status_code == 200
    assert "Ana García, Customer Care" in response.text
    assert awaiting.consents.first().fingerprint in response.text
    assert "Consent asked" in response.text
    assert "Approved by 0 of 2" in response.text


def test_staff_outside_comms_cannot_act(client, settings, draft):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("admin:feed_highlight_changelist"),
        {"action": "ask_for_consent", "_selected_action": [str(draft.pk)]},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_superuser_refused_when_acting_as_a_service_refuses(client, settings, awaiting):
    """The superuser can run the actions; a refusal is a message, never a 500."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    said = act(client, "highlight", "ask_for_consent", [awaiting.pk])
    assert said[0][0] == "error"
    assert "only be asked for a draft" in said[0][1]


# --------------------------------------------------------------------------
# Editing the public version on the highlight's page
# --------------------------------------------------------------------------
class _FormFields(HTMLParser):
    """What a browser would send from the page's main form, as it stands."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.textarea = form_id, False, None
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif self.inside and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file"}:
                return
            if kind in {"radio", "checkbox"} and "checked" not in attrs:
                return
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif self.inside and tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self.textarea:  # the browser drops the newline right after <textarea>
                self.data[self.textarea] = self.data[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.inside = False


def change_url(highlight) -> str:
    return reverse("admin:feed_highlight_change", args=[highlight.pk])


def edit(client, highlight, **changes):
    """Open the highlight's page, change some fields, save."""
    page = client.get(change_url(highlight))
    assert page.status_code == 200
    parser = _FormFields("highlight_form")
    parser.feed(page.text)
    assert "public_title" in parser.data, "the page has no edit form"
    data = {**parser.data, "_save": "Save", **changes}
    return client.post(change_url(highlight), data)


def test_editing_a_draft_saves_through_the_service(comms_client, draft, credited):
    response = edit(comms_client, draft, public_title="Tickets: a record day",
                    public_text="The Care team closed 100 tickets in one day.",
                    **{f"name_{credited.pk}": "Luis P."})  # fmt: skip
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Tickets: a record day", "draft")
    assert draft.text == "The Care team closed 100 tickets in one day."
    assert draft.slug == "tickets-a-record-day"
    assert draft.people.get(user=credited).public_name == "Luis P."
    assert draft.events.filter(action=HighlightEvent.Action.EDITED).count() == 1
    assert not draft.consents.exists()


def test_saving_without_changes_writes_nothing(comms_client, draft):
    before = draft.updated_at
    assert edit(comms_client, draft).status_code == 302
    draft.refresh_from_db()
    assert draft.updated_at == before
    assert draft.events.count() == 1  # proposed


@pytest.mark.parametrize("state", ["awaiting", "approved"])
def test_editing_after_consent_was_asked_asks_again(request, comms_client, state, author):
    highlight = request.getfixturevalue(state)
    asked = highlight.consents.count()
    response = edit(comms_client, highlight, public_title="A better title")
    assert response.status_code == 302
    highlight.refresh_from_db()
    assert highlight.status == "awaiting"
    assert highlight.title == "A better title"
    pending = highlight.consents.filter(answer="pending")
    assert pending.count() == 2
    assert set(pending.values_list("title", flat=True)) == {"A better title"}
    assert highlight.consents.count() == asked + 2
    assert highlight.consents.filter(answer="superseded").count() == 2
    page = comms_client.get(response["Location"])
    assert "they are asked for consent again" in page.text


def test_changing_one_name_asks_only_that_person(comms_client, awaiting, author, credited):
    edit(comms_client, awaiting, **{f"name_{credited.pk}": "Luis from Care"})
    pending = awaiting.consents.filter(answer="pending")
    assert pending.get(person=credited).public_name == "Luis from Care"
    assert pending.get(person=author).public_name == "Ana García, Customer Care"
    assert awaiting.consents.count() == 3


def test_invalid_input_shows_errors_and_changes_nothing(comms_client, draft, credited):
    response = edit(comms_client, draft, public_title="", public_text="   ",
                    image_choice="win", **{f"name_{credited.pk}": ""})  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert f"name_{credited.pk}" in errors
    # Field errors first; the service's own checks once the fields are filled.
    response = edit(comms_client, draft, public_title="", public_text="   ")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["public_title"] == ["Give the highlight a public title."]
    assert errors["public_text"] == ["Write the public text."]
    # The win has no image: "the win's image" is not offered, nor accepted.
    response = edit(comms_client, draft, image_choice="win")
    assert response.context["adminform"].form.errors["image_choice"] == [
        "Select a valid choice. win is not one of the available choices."
    ]
    response = edit(comms_client, draft, public_title="x" * 200)
    assert "public_title" in response.context["adminform"].form.errors
    assert "Please correct the error" in response.text
    draft.refresh_from_db()
    assert draft.title == "We closed 100 tickets in a day"
    assert draft.people.get(user=credited).public_name == "Luis Pérez, Customer Care"
    assert draft.events.count() == 1


def test_an_error_after_the_service_saved_undoes_the_save(comms_client, awaiting):
    """The page comes back with an error (here, an inline's missing management
    data), so what the service wrote is rolled back with it."""
    page = comms_client.get(change_url(awaiting))
    parser = _FormFields("highlight_form")
    parser.feed(page.text)
    data = {k: v for k, v in parser.data.items() if "TOTAL_FORMS" not in k}
    response = comms_client.post(change_url(awaiting), {**data, "public_title": "Changed"})
    assert response.status_code == 200
    assert response.context["adminform"].form.asked_again == 2  # the service did write
    awaiting.refresh_from_db()
    assert awaiting.title == "We closed 100 tickets in a day"
    assert awaiting.consents.count() == 2


def test_image_choice_and_description(comms_client, comms, author, settings, tmp_path):

    settings.MEDIA_ROOT = tmp_path
    win = WinFactory(author=author, image_status="ready", image_alt="A team photo")
    content = encode(Image.new("RGB", (64, 48), "teal"))
    win.image.save(content.name, ContentFile(content.read()), save=True)
    highlight = highlights.highlight_propose(win=win, by=comms)
    page = comms_client.get(change_url(highlight))
    assert f'src="{highlight.image.url}"' in page.text
    assert 'alt="A team photo"' in page.text

    response = edit(comms_client, highlight, image_description="")
    assert response.context["adminform"].form.errors["image_description"] == [
        "Describe the image for people who cannot see it."
    ]
    assert edit(comms_client, highlight, image_choice="none").status_code == 302
    highlight.refresh_from_db()
    assert not highlight.image
    assert highlight.image_alt == ""
    assert edit(comms_client, highlight, image_choice="win",
                image_description="Five people, one cake").status_code == 302  # fmt: skip
    highlight.refresh_from_db()
    assert highlight.image
    assert highlight.image_alt == "Five people, one cake"


@pytest.mark.parametrize("end", ["withdrawn", "declined"])
def test_withdrawn_and_declined_are_read_only(comms_client, awaiting, author, end):
    if end == "withdrawn":
        highlights.highlight_withdraw(highlight=awaiting, by=author)
    else:
        consent = awaiting.consents.get(person=author, answer="pending")
        consent_answer(consent=consent, person=author, approve=False)
    page = comms_client.get(change_url(awaiting))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert 'name="public_title"' not in page.text
    assert "We closed 100 tickets in a day" in page.text
    response = comms_client.post(change_url(awaiting), {"public_title": "Sneaky"})
    assert response.status_code == 403
    awaiting.refresh_from_db()
    assert awaiting.title == "We closed 100 tickets in a day"


def test_staff_outside_comms_cannot_edit(client, settings, draft):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True))
    assert client.get(change_url(draft)).status_code == 403
    response = client.post(change_url(draft), {"public_title": "Nope"})
    assert response.status_code == 403


# --------------------------------------------------------------------------
# Preview and the list
# --------------------------------------------------------------------------
def preview_url(highlight) -> str:
    return reverse("admin:feed_highlight_preview", args=[highlight.pk])


def test_comms_preview_the_public_page_of_a_draft(comms_client, draft):
    page = comms_client.get(change_url(draft))
    assert f'href="{preview_url(draft)}"' in page.text
    response = comms_client.get(preview_url(draft))
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == [
        "admin/feed/highlight/preview.html",
        "highlights/detail.html",
    ]
    assert "Preview of the public page" in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "<h1>We closed 100 tickets in a day</h1>" in response.text
    assert "Ana García, Customer Care · Luis Pérez, Customer Care" in response.text
    assert "style=" not in response.text  # the CSP allows no inline styles
    # The public page itself does not exist yet.
    assert comms_client.get(f"/highlights/{draft.slug}/").status_code == 404


def test_only_comms_preview(client, settings, draft, author):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(UserFactory(is_staff=True))
    assert client.get(preview_url(draft)).status_code == 403
    client.force_login(author)
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert client.get(reverse("admin:feed_highlight_preview", args=["nope"])).status_code == 302


def test_the_list_shows_status_win_and_consent(comms_client, draft, approved, comms):
    response = comms_client.get(reverse("admin:feed_highlight_changelist"))
    assert response.status_code == 200
    assert "Not asked yet" not in response.text  # the draft fixture became `approved`
    assert "Approved by 2 of 2" in response.text
    assert reverse("admin:feed_win_change", args=[approved.win_id]) in response.text
    assert str(comms) in response.text
    other = highlights.highlight_propose(win=WinFactory(), by=comms)
    response = comms_client.get(reverse("admin:feed_highlight_changelist"))
    assert "Not asked yet" in response.text
    assert other.title in response.text


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:feed_highlight_changelist")).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_few_and_many(
    comms_client, comms, django_assert_max_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            highlight = highlights.highlight_propose(win=WinFactory(), by=comms)
            consent_request(highlight=highlight, by=comms)

    add(2)
    few = _list_queries(comms_client)
    add(25)
    with django_assert_max_num_queries(12):
        many = _list_queries(comms_client)
    assert many == few


# --------------------------------------------------------------------------
# Editing a published highlight, and what is offered
# --------------------------------------------------------------------------
PUBLISHED_NOTICE = "takes the story off the public pages until everyone named approves again"


def test_a_published_highlight_warns_before_an_edit_unpublishes_it(comms_client, published):
    page = comms_client.get(change_url(published))
    assert page.status_code == 200
    text = page.text
    assert "This highlight is public." in text
    assert PUBLISHED_NOTICE in text
    # Above the form's fields.
    assert text.index('id="published-edit-notice"') < text.index('name="public_title"')
    assert comms_client.get(f"/highlights/{published.slug}/").status_code == 200

    response = edit(comms_client, published, public_title="A better title")
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "awaiting"
    said = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    warnings = [text for level, text in said if level == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith("The story is no longer public:")
    assert "2 people approved, so they are asked for consent again" in warnings[0]
    assert comms_client.get(f"/highlights/{published.slug}/").status_code == 410  # gone
    # No longer published: no notice.
    assert PUBLISHED_NOTICE not in comms_client.get(change_url(published)).text


def test_no_notice_before_publication(comms_client, draft, approved):
    assert PUBLISHED_NOTICE not in comms_client.get(change_url(approved)).text
    response = edit(comms_client, approved, public_title="A better title")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any("no longer public" in text for text in said)
    assert any("they are asked for consent again" in text for text in said)


def test_saving_a_published_highlight_unchanged_keeps_it_public(comms_client, published):
    response = edit(comms_client, published)
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "published"
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert not any("no longer public" in text for text in said)


def _radio_values(page: str, name: str) -> list[str]:

    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"', page)


def test_the_win_image_is_offered_only_when_there_is_one(
    comms_client, comms, draft, author, settings, tmp_path
):
    page = comms_client.get(change_url(draft)).text
    assert _radio_values(page, "image_choice") == ["none"]
    assert "The win&#x27;s image" not in page.split('id="id_image_choice"')[1].split("</div>")[0]

    settings.MEDIA_ROOT = tmp_path
    pictured = WinFactory(author=author, image_status="ready", image_alt="A photo")
    content = encode(Image.new("RGB", (32, 24), "teal"))
    pictured.image.save(content.name, ContentFile(content.read()), save=True)
    highlight = highlights.highlight_propose(win=pictured, by=comms)
    page = comms_client.get(change_url(highlight)).text
    assert _radio_values(page, "image_choice") == ["win", "none"]
    # Still offered after choosing no image: the win has one to go back to.
    assert edit(comms_client, highlight, image_choice="none").status_code == 302
    page = comms_client.get(change_url(highlight)).text
    assert _radio_values(page, "image_choice") == ["win", "none"]


# --------------------------------------------------------------------------
# Words that follow the status
# --------------------------------------------------------------------------
def test_preview_notice_follows_the_status(comms_client, published, comms):
    page = comms_client.get(preview_url(published)).text
    assert "the public sees it only once the highlight is published" not in page
    assert "Status: Published. The public sees this highlight at its public address." in page
    assert f'href="/highlights/{published.slug}/"' in page

    highlights.highlight_withdraw(highlight=published, by=comms)
    page = comms_client.get(preview_url(published)).text
    assert "Status: Withdrawn. Only communications staff can see this page; " in page
    assert "the public cannot see this highlight." in page


def test_preview_notice_of_a_draft(comms_client, draft):
    page = comms_client.get(preview_url(draft)).text
    assert "Status: Draft. Only communications staff can see this page; " in page
    assert "the public sees it only once the highlight is published." in page


@pytest.mark.parametrize("end", ["withdrawn", "declined"])
def test_the_list_consent_summary_follows_the_status(comms_client, awaiting, author, end):
    if end == "withdrawn":
        highlights.highlight_withdraw(highlight=awaiting, by=author)
    else:
        consent = awaiting.consents.get(person=author, answer="pending")
        consent_answer(consent=consent, person=author, approve=False)
    page = comms_client.get(reverse("admin:feed_highlight_changelist")).text
    assert "Approved by" not in page
    summary = page.split('class="field-consent_summary">')[1].split("</td>")[0]
    assert summary == end.capitalize()


def test_event_str_is_in_local_time(draft, settings):

    settings.TIME_ZONE = "Europe/Madrid"
    event = draft.events.get()
    event.created_at = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    with timezone.override("Europe/Madrid"):
        assert str(event) == "Proposed (2026-07-02 00:30)"


# --------------------------------------------------------------------------
# Wins and comments: comms see what everyone sees
# --------------------------------------------------------------------------
def test_comms_see_only_wins_for_everyone_that_are_not_hidden(comms_client, win, author):

    team_only = WinFactory(author=author, visibility="team", body="Our team-only numbers")
    hidden = WinFactory(author=author, body="A hidden win", is_hidden=True)
    wins = reverse("admin:feed_win_changelist")
    page = comms_client.get(wins)
    assert page.status_code == 200
    assert {w.pk for w in page.context["cl"].result_list} == {win.pk}
    assert "Our team-only numbers" not in page.text
    assert "A hidden win" not in page.text
    for other in (team_only, hidden):
        response = comms_client.get(reverse("admin:feed_win_change", args=[other.pk]))
        # As a missing win: 404, not the admin's "does not exist" back to its index.
        assert response.status_code == 404
    assert comms_client.get(reverse("admin:feed_win_change", args=[win.pk])).status_code == 200
    # Nor can they be proposed by posting their ids.
    said = act(comms_client, "win", "propose_highlight", [team_only.pk])
    assert not Highlight.objects.filter(win=team_only).exists()
    assert ("success", "Proposed 1 highlight.") not in said

    shown = Comment.objects.create(win=win, author=author, body="Well done")
    Comment.objects.create(win=win, author=author, body="Hidden remark", is_hidden=True)
    Comment.objects.create(win=team_only, author=author, body="Team remark")
    page = comms_client.get(reverse("admin:feed_comment_changelist"))
    assert page.status_code == 200
    assert [c.pk for c in page.context["cl"].result_list] == [shown.pk]
    assert "Team remark" not in page.text
    assert "Hidden remark" not in page.text


def test_moderators_and_superusers_still_see_every_win(client, settings, win, author):

    settings.MFA_REQUIRED_FOR_STAFF = False
    team_only = WinFactory(author=author, visibility="team")
    hidden = WinFactory(author=author, is_hidden=True)
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_win", "change_report"])
    )
    for person in (moderator, UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(person)
        page = client.get(reverse("admin:feed_win_changelist"))
        assert {w.pk for w in page.context["cl"].result_list} == {win.pk, team_only.pk, hidden.pk}
        change = client.get(reverse("admin:feed_win_change", args=[team_only.pk]))
        assert change.status_code == 200


def step_url(highlight, step: str) -> str:
    return reverse("admin:feed_highlight_step", args=[highlight.pk, step])


def test_each_page_offers_the_steps_that_make_sense(comms_client, draft, comms):
    html = comms_client.get(change_url(draft)).content.decode()
    assert step_url(draft, "ask") in html
    assert step_url(draft, "withdraw") in html
    assert step_url(draft, "publish") not in html

    consent_request(highlight=draft, by=comms)
    html = comms_client.get(change_url(draft)).content.decode()
    assert step_url(draft, "ask") not in html
    assert step_url(draft, "publish") not in html
    assert step_url(draft, "withdraw") in html


def test_steps_from_the_page_go_through_the_services(comms_client, draft, author, credited):
    response = comms_client.post(step_url(draft, "ask"))
    assert response.status_code == 302
    assert response["Location"] == change_url(draft)
    draft.refresh_from_db()
    assert draft.status == Highlight.Status.AWAITING
    assert draft.consents.filter(answer="pending").count() == 2

    # Refused transitions are said, and change nothing.
    comms_client.post(step_url(draft, "publish"))
    draft.refresh_from_db()
    assert draft.status == Highlight.Status.AWAITING
    shown = [str(m) for m in get_messages(comms_client.get(change_url(draft)).wsgi_request)]
    assert any("Only an approved highlight can be published" in m for m in shown)

    for person in (author, credited):
        consent_answer(
            consent=draft.consents.get(person=person, answer="pending"), person=person, approve=True
        )
    comms_client.post(step_url(draft, "publish"))
    draft.refresh_from_db()
    assert draft.status == Highlight.Status.PUBLISHED
    comms_client.post(step_url(draft, "withdraw"))
    draft.refresh_from_db()
    assert draft.status == Highlight.Status.WITHDRAWN


def test_steps_need_post_comms_and_a_known_step(client, comms_client, draft):
    assert comms_client.get(step_url(draft, "ask")).status_code == 405
    assert comms_client.post(step_url(draft, "delete")).status_code == 404
    someone = UserFactory(is_staff=True)
    client.force_login(someone)
    assert client.post(step_url(draft, "ask")).status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == Highlight.Status.DRAFT
