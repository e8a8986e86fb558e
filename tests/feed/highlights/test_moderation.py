"""Moderation reaches the public pages: a story never outlives, nor shows, a win
taken down.

Hiding a win (from the reports, from its admin page) or deleting it (its author
in the app, a moderator on the admin's delete page or with its bulk action)
withdraws its open stories in the same transaction
(`feed.highlights.services.highlights_withdraw_for_win`): the page answers 410, the
story leaves the Atom and JSON feeds, its share card and its image are no longer
served, an event says who and why, and the people it names and comms are told
in the bell and by email.
"""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from PIL import Image

from accounts.models import NotificationKind
from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request
from feed.highlights.models import Highlight, HighlightEvent
from feed.notifications.models import Notification
from feed.wins import services
from feed.wins.access import COMMS_GROUP
from feed.wins.models import Comment, Report, Win
from feed.wins.photos import photo_files
from tests.factories import CommentFactory, UserFactory, comms_user, moderator_user
from tests.feed.highlights.conftest import consent_of, lines_lead_to

pytestmark = pytest.mark.django_db

TITLE = "We closed 100 tickets in a day"
SHARED = "We closed 100 tickets in a day\nThanks @luis!"
KIND = NotificationKind.STORY_WITHDRAWN


def text_of(markup: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def publish(highlight: Highlight, *, by, people) -> Highlight:
    consent_request(highlight=highlight, by=by)
    for person in people:
        consent_answer(consent=consent_of(highlight, person), person=person, approve=True)
    highlight.refresh_from_db()
    return highlights.highlight_publish(highlight=highlight, by=by)


def story_of(*, author, credited, comms, body: str = SHARED) -> Highlight:
    """A published story with an image, made from a win that credits `credited`."""
    display, thumbnail = photo_files(Image.new("RGB", (64, 48), (200, 30, 30)))
    win = services.win_create(
        author=author, body=body, image=display, thumbnail=thumbnail, image_alt="The team"
    )
    assert win.credits.filter(user=credited).exists()
    draft = highlights.highlight_propose(win=win, by=comms)
    return publish(draft, by=comms, people=[author, credited])


@pytest.fixture
def story(author, credited, comms) -> Highlight:
    return story_of(author=author, credited=credited, comms=comms)


@pytest.fixture
def moderator(settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    return moderator_user(name="Mo Moderator", email="mo@example.com")


def public_answers(client, highlight: Highlight) -> dict[str, int | bool]:
    """What an anonymous visitor gets of the story, everywhere it can be."""
    client.logout()
    slug = highlight.slug
    return {
        "page": client.get(reverse("highlights:detail", kwargs={"slug": slug})).status_code,
        "share card": client.get(
            reverse("highlights:share_image", kwargs={"slug": slug})
        ).status_code,
        "image": client.get(highlight.image.url).status_code,
        "in the list": highlight.title in client.get(reverse("highlights:list")).text,
        "in the Atom feed": highlight.title in client.get(reverse("highlights:feed")).text,
        "in the JSON": highlight.title in client.get(reverse("highlights:latest_json")).text,
    }


PUBLIC = {
    "page": 200,
    "share card": 200,
    "image": 200,
    "in the list": True,
    "in the Atom feed": True,
    "in the JSON": True,
}
GONE = {
    "page": 410,
    "share card": 410,
    "image": 404,
    "in the list": False,
    "in the Atom feed": False,
    "in the JSON": False,
}


def told(highlight: Highlight) -> set:
    return set(
        Notification.objects.filter(kind=KIND, highlight=highlight).values_list(
            "recipient__email", flat=True
        )
    )


def mailed() -> dict[str, str]:
    """Each recipient's address and the subject of what they got."""
    return {message.to[0]: message.subject for message in mail.outbox}


def test_hiding_from_the_reports_takes_the_story_down_everywhere(
    client, story, author, credited, comms, moderator, django_capture_on_commit_callbacks
):
    """The reports admin's "hide" withdraws the story at once: 410, out of both
    feeds, no share card, no image; the event names the moderator and the
    reason; everyone named and the comms person who proposed it are told, in
    the bell and by email, without naming the moderator."""
    assert public_answers(client, story) == PUBLIC
    report = services.report_create(reporter=UserFactory(), reason="confidential", win=story.win)
    client.force_login(moderator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:feed_report_changelist"),
            {"action": "hide_content", "_selected_action": [report.pk]},
        )
    assert response.status_code == 302

    assert public_answers(client, story) == GONE
    story.refresh_from_db()
    assert story.status == Highlight.Status.WITHDRAWN
    event = story.events.get(action=HighlightEvent.Action.WITHDRAWN)
    assert event.actor == moderator
    assert event.from_status == Highlight.Status.PUBLISHED
    assert event.note == "Hidden by moderators: Shares confidential information"

    assert told(story) == {author.email, credited.email, comms.email}
    line = f"“{TITLE}” is no longer public: moderators took its win down"
    assert mailed() == dict.fromkeys([author.email, credited.email, comms.email], line)
    assert "Mo Moderator" not in mail.outbox[0].body


def test_hiding_on_the_wins_admin_page_takes_the_story_down(
    client, story, author, moderator, django_capture_on_commit_callbacks
):
    """Ticking "hidden by moderators" on the win's own admin page goes through the
    same service: reason kept, open reports resolved, story withdrawn, people told."""
    report = services.report_create(reporter=UserFactory(), reason="other", win=story.win)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:feed_win_change", args=[story.win_id]),
            {"is_hidden": "on", "hidden_reason": "Names a customer"},
        )
    assert response.status_code == 302

    win = Win.objects.get(pk=story.win_id)
    assert (win.is_hidden, win.hidden_reason) == (True, "Names a customer")
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (Report.Status.HIDDEN, moderator)
    assert public_answers(client, story) == GONE
    event = story.events.get(action=HighlightEvent.Action.WITHDRAWN)
    assert (event.actor, event.note) == (moderator, "Hidden by moderators: Names a customer")
    assert author.email in told(story)


def test_the_admins_delete_page_takes_the_story_down(
    client, story, author, credited, comms, moderator
):
    """The admin's delete page calls `win_delete`, not a bare `delete()`."""
    client.force_login(moderator)
    response = client.post(reverse("admin:feed_win_delete", args=[story.win_id]), {"post": "yes"})
    assert response.status_code == 302
    assert not Win.objects.filter(pk=story.win_id).exists()

    story.refresh_from_db()
    assert story.win is None
    assert public_answers(client, story) == GONE
    event = story.events.get(action=HighlightEvent.Action.WITHDRAWN)
    assert (event.actor, event.note) == (moderator, "Deleted by moderators.")
    assert told(story) == {author.email, credited.email, comms.email}


def test_the_admins_bulk_delete_takes_every_story_down(client, author, credited, comms, moderator):
    """ "Delete selected wins" is a queryset delete, which skips `Win.delete()`
    and any service: the admin's `delete_queryset` calls `win_delete` for each."""
    first = story_of(author=author, credited=credited, comms=comms)
    second = story_of(
        author=author, credited=credited, comms=comms, body="A second story\nThanks @luis!"
    )
    client.force_login(moderator)
    response = client.post(
        reverse("admin:feed_win_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [first.win_id, second.win_id],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Win.objects.filter(pk__in=[first.win_id, second.win_id]).exists()
    for story in (first, second):
        story.refresh_from_db()
        assert story.status == Highlight.Status.WITHDRAWN
        assert public_answers(client, story) == GONE
        assert told(story) == {author.email, credited.email, comms.email}


def test_the_author_deleting_tells_the_others_not_themselves(
    client, story, author, credited, comms, django_capture_on_commit_callbacks
):
    """Nobody is told of their own doing; the line names the author who took
    the win back."""
    client.force_login(author)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feed:win_delete", kwargs={"pk": story.win_id}))
    assert response.status_code == 302
    assert public_answers(client, story) == GONE
    assert told(story) == {credited.email, comms.email}
    line = f"“{TITLE}” is no longer public: Ana García took the win back"
    assert mailed() == {credited.email: line, comms.email: line}


def test_a_draft_taken_down_is_news_to_comms_only(draft, author, credited, comms):
    """The people named never heard of a draft: only comms are told."""
    services.win_delete(win=draft.win, user=author)
    draft.refresh_from_db()
    assert draft.status == Highlight.Status.WITHDRAWN
    assert told(draft) == {comms.email}


def test_when_the_proposer_left_comms_every_comms_member_is_told(story, author, moderator):
    first = Group.objects.get(name=COMMS_GROUP).user_set.get()
    first.groups.clear()
    second = comms_user(email="second.comms@example.com")
    third = comms_user(email="third.comms@example.com")
    services.win_hide(win=story.win, moderator=moderator, reason="Off topic")
    assert told(story) == {author.email, "luis@example.com", second.email, third.email}


def test_people_named_read_it_in_the_bell_and_reach_their_consent_page(
    client, story, credited, comms, moderator
):
    """The line names the story and leads the people named to their consent page
    (the win is hidden from them). For comms it leads nowhere: the story of a
    hidden win is for moderators only."""
    services.win_hide(win=story.win, moderator=moderator, reason="Off topic")

    client.force_login(credited)
    page = client.get(reverse("notifications:list")).content.decode()
    assert f"“{TITLE}” is no longer public: moderators took its win down" in text_of(page)
    assert client.get(story.win.get_absolute_url()).status_code == 404
    bell = client.get(reverse("feed:home")).content.decode()
    # The link sent when the story was published, and this line.
    assert "Notifications, 2 unread" in bell
    consent = story.consents.filter(person=credited).latest("asked_at")
    assert reverse("feed:consent", kwargs={"consent_id": consent.pk}) in lines_lead_to(client, page)

    client.force_login(comms)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "moderators took its win down" in text_of(page)
    assert reverse("admin:feed_highlight_change", args=[story.pk]) not in lines_lead_to(
        client, page
    )


def test_comms_reach_the_story_of_a_deleted_win_in_the_admin(client, story, author, comms):
    services.win_delete(win=story.win, user=author)
    client.force_login(comms)
    page = client.get(reverse("notifications:list")).content.decode()
    admin_page = reverse("admin:feed_highlight_change", args=[story.pk])
    assert admin_page in lines_lead_to(client, page)
    assert "Ana García took the win back" in text_of(page)


def test_a_public_story_never_quotes_a_comment(client, story, author, moderator):
    """A public story cannot quote a comment: its text is made from the win's text
    (`highlight_propose`), edited by comms, and approved as it stands; it has no
    link to any comment and its pages show none. So hiding a comment on the
    story's win changes nothing public, and nothing needs withdrawing."""
    comment = CommentFactory(win=story.win, author=author, body="Walrus-umbra remark")
    assert not any(
        field.related_model is Comment
        for field in Highlight._meta.get_fields()
        if field.is_relation
    )
    report = services.report_create(reporter=UserFactory(), reason="other", comment=comment)
    services.content_hide(report=report, moderator=moderator, reason="")

    assert Comment.objects.get(pk=comment.pk).is_hidden
    story.refresh_from_db()
    assert story.status == Highlight.Status.PUBLISHED
    assert public_answers(client, story) == PUBLIC
    assert "Walrus-umbra" not in client.get(reverse("highlights:detail", args=[story.slug])).text
    assert not told(story)


def test_named_people_withdraw_from_the_consent_page_without_the_win(client, story, credited):
    """A win hidden by any other way (here a bare update) is out of reach for the
    people named, and its story is not public; they can still stop it for good
    from their consent page, which no longer links to the win."""
    Win.objects.filter(pk=story.win_id).update(is_hidden=True, hidden_reason="Bulk fix")
    assert public_answers(client, story)["page"] == 410  # never shown, whatever hid it
    client.force_login(credited)
    assert client.get(story.win.get_absolute_url()).status_code == 404
    consent = story.consents.get(person=credited, answer="approved")
    url = reverse("feed:consent", kwargs={"consent_id": consent.pk})
    page = client.get(url).content.decode()
    withdraw = reverse("feed:consent_withdraw", kwargs={"consent_id": consent.pk})
    assert withdraw in page
    assert story.win.get_absolute_url() not in page

    response = client.post(withdraw)
    assert response.status_code == 302
    assert response["Location"] == url
    story.refresh_from_db()
    assert story.status == Highlight.Status.WITHDRAWN
    consent.refresh_from_db()
    assert consent.answer == "withdrawn"
    assert story.events.filter(actor=credited, action="consent_withdrawn").exists()
    page = client.get(url).content.decode()
    assert withdraw not in page
    assert "This story is not public" in text_of(page)


def test_only_the_person_asked_can_withdraw_from_their_consent_page(
    client, story, author, credited, comms
):
    consent = story.consents.get(person=credited, answer="approved")
    withdraw = reverse("feed:consent_withdraw", kwargs={"consent_id": consent.pk})
    for someone in (author, comms, UserFactory()):
        client.force_login(someone)
        assert client.post(withdraw).status_code == 404
    assert client.get(withdraw).status_code == 405
    story.refresh_from_db()
    assert story.status == Highlight.Status.PUBLISHED


def test_a_story_is_never_public_once_its_win_is_gone_whatever_removed_it(client, story, author):
    """Deleting a person deletes their wins without any service (the people
    admin, a shell): the public pages still stop showing the story at once."""
    author.delete()
    assert public_answers(client, story) == GONE


def test_comms_staff_without_moderation_can_neither_hide_nor_delete(client, story, comms, settings):
    """Being staff is not moderating: comms get PermissionDenied from the services
    and no way to hide or delete in the admin; the story stays public."""
    with pytest.raises(PermissionDenied):
        services.win_hide(win=story.win, moderator=comms, reason="Mine to hide?")
    with pytest.raises(PermissionDenied):
        services.win_delete(win=story.win, user=comms)
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(comms)
    change = reverse("admin:feed_win_change", args=[story.win_id])
    assert client.post(change, {"is_hidden": "on", "hidden_reason": "x"}).status_code == 403
    delete = reverse("admin:feed_win_delete", args=[story.win_id])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert public_answers(client, story) == PUBLIC
    assert not Win.objects.get(pk=story.win_id).is_hidden
