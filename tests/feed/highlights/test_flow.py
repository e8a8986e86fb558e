"""The life of a highlight: propose, ask, answer, publish, edit, withdraw, expire."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from feed.highlights import services as highlights
from feed.highlights.consents import consent_answer, consent_request, consents_remind_and_expire
from feed.highlights.models import Consent, Highlight, HighlightEvent
from feed.highlights.selectors import highlight_public, published_highlights
from feed.highlights.snapshots import consent_fingerprint, consent_snapshot
from feed.highlights.tasks import consents_remind_and_expire as consents_remind_and_expire_task
from feed.notifications.models import Email, Notification
from feed.wins.models import Win
from feed.wins.services import win_delete, win_update
from tests.factories import WinFactory
from wins_net.images import encode

from .conftest import consent_of

pytestmark = pytest.mark.django_db


def actions(highlight) -> list[tuple[str, str, str]]:
    return list(highlight.events.values_list("action", "from_status", "to_status"))


def test_propose_starts_from_the_win(draft, win, author, credited, comms):
    """Title is the first line, text the win's with mentions as names, people with
    default public names; a draft with a 'proposed' event by comms."""
    assert draft.status == Highlight.Status.DRAFT
    assert draft.title == "We closed 100 tickets in a day"
    assert "Thanks Luis Pérez!" in draft.text
    assert "@luis" not in draft.text
    assert draft.slug == "we-closed-100-tickets-in-a-day"
    people = list(draft.people.values_list("user_id", "role", "public_name"))
    assert people == [
        (author.pk, "author", "Ana García, Customer Care"),
        (credited.pk, "credited", "Luis Pérez, Customer Care"),
    ]
    event = draft.events.get()
    assert (event.action, event.actor, event.to_status) == ("proposed", comms, "draft")
    assert event.created_at is not None


def test_full_flow_propose_ask_approve_publish_withdraw(draft, comms, author, credited):
    """Each step is a transition with its event; withdrawal takes it off the public at once."""
    consents = consent_request(highlight=draft, by=comms)
    assert draft.status == "awaiting"
    assert {c.person for c in consents} == {author, credited}
    consent = consent_of(draft, author)
    assert consent.scope == ["page", "feeds", "share_image"]
    assert consent.title == draft.title
    assert consent.public_name == "Ana García, Customer Care"
    assert consent.asked_by == comms
    assert consent.expires_at - consent.asked_at == timedelta(days=14)
    assert consent.fingerprint == consent_fingerprint(
        consent_snapshot(highlight=draft, public_name=consent.public_name)
    )
    consent_answer(consent=consent, person=author, approve=True, message="¡Claro!")
    draft.refresh_from_db()
    assert draft.status == "awaiting"  # the credited person has not answered yet
    consent_answer(consent=consent_of(draft, credited), person=credited, approve=True)
    draft.refresh_from_db()
    assert draft.status == "approved"
    assert highlight_public(draft.slug) is None

    highlights.highlight_publish(highlight=draft, by=comms)
    assert draft.status == "published"
    assert draft.published_at is not None
    assert list(published_highlights()) == [draft]
    assert highlight_public(draft.slug) == draft

    highlights.highlight_withdraw(highlight=draft, by=credited, reason="Prefer not")
    assert draft.status == "withdrawn"
    assert draft.withdrawn_at is not None
    assert highlight_public(draft.slug) is None
    assert list(published_highlights()) == []
    assert Consent.objects.get(highlight=draft, person=credited).answer == "withdrawn"
    assert Consent.objects.get(highlight=draft, person=author).answer == "approved"
    assert actions(draft) == [
        ("proposed", "", "draft"),
        ("consent_asked", "draft", "awaiting"),
        ("consent_approved", "awaiting", "awaiting"),
        ("consent_approved", "awaiting", "awaiting"),
        ("approved", "awaiting", "approved"),
        ("published", "approved", "published"),
        ("consent_withdrawn", "published", "published"),
        ("withdrawn", "published", "withdrawn"),
    ]
    withdrawn = draft.events.get(action="withdrawn")
    assert withdrawn.actor == credited
    assert withdrawn.note == "Prefer not"


def test_one_decline_declines(awaiting, author, credited):
    consent_answer(
        consent=consent_of(awaiting, credited), person=credited, approve=False, message="No"
    )
    awaiting.refresh_from_db()
    assert awaiting.status == "declined"
    assert Consent.objects.get(highlight=awaiting, person=credited).message == "No"
    # The author's request is closed: nobody needs to answer it any more.
    assert Consent.objects.get(highlight=awaiting, person=author).answer == "superseded"
    assert actions(awaiting)[-1] == ("declined", "awaiting", "declined")


def test_edit_after_approval_asks_again_and_unpublishes(published, comms, author, credited):
    """A new text supersedes the approvals, asks everyone again and takes the page down."""
    highlights.highlight_update(
        highlight=published, by=comms, title=published.title, text="A better story.",
        image_choice="none", image_alt="",
    )  # fmt: skip
    assert published.status == "awaiting"
    assert highlight_public(published.slug) is None
    assert published.consents.filter(answer="superseded").count() == 2
    assert published.consents.filter(answer="pending").count() == 2
    assert consent_of(published, author).text == "A better story."
    assert ("unpublished", "published", "awaiting") in actions(published)
    with pytest.raises(ValidationError, match="can be published"):
        highlights.highlight_publish(highlight=published, by=comms)


def test_edit_of_one_name_asks_only_that_person(approved, comms, author, credited):
    highlights.highlight_update(
        highlight=approved, by=comms, title=approved.title, text=approved.text,
        image_choice="none", image_alt="", public_names={credited.pk: "Luis P."},
    )  # fmt: skip
    assert approved.status == "awaiting"
    assert Consent.objects.get(highlight=approved, person=author, answer="approved")
    assert consent_of(approved, credited).public_name == "Luis P."
    consent_answer(consent=consent_of(approved, credited), person=credited, approve=True)
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_edit_in_draft_only_saves(draft, comms):
    highlights.highlight_update(
        highlight=draft, by=comms, title="New title", text="New text", image_choice="none",
        image_alt="",
    )  # fmt: skip
    assert (draft.status, draft.title, draft.slug) == ("draft", "New title", "new-title")
    assert not draft.consents.exists()
    assert actions(draft)[-1] == ("edited", "draft", "draft")


def test_fingerprint_mismatch_is_refused(awaiting, author):
    """A request whose content no longer matches cannot be approved."""
    Highlight.objects.filter(pk=awaiting.pk).update(text="Changed behind the service's back")
    with pytest.raises(ValidationError, match="changed since you were asked"):
        consent_answer(consent=consent_of(awaiting, author), person=author, approve=True)


def test_publish_refuses_when_content_drifted(approved, comms):
    Highlight.objects.filter(pk=approved.pk).update(title="Drifted")
    with pytest.raises(ValidationError, match="approved exactly this version"):
        highlights.highlight_publish(highlight=approved, by=comms)


@pytest.mark.parametrize(
    ("step", "state", "message"),
    [
        ("ask", "awaiting", "only be asked for a draft"),
        ("publish", "draft", "Only an approved highlight"),
        ("publish", "awaiting", "Only an approved highlight"),
        ("withdraw_twice", "withdrawn", "already"),
    ],
)
def test_nonsense_transitions_are_refused(request, comms, step, state, message):
    fixture = {"awaiting": "awaiting", "draft": "draft", "withdrawn": "published"}[state]
    highlight = request.getfixturevalue(fixture)
    if step == "ask":
        call = lambda: consent_request(highlight=highlight, by=comms)  # noqa: E731
    elif step == "publish":
        call = lambda: highlights.highlight_publish(highlight=highlight, by=comms)  # noqa: E731
    else:
        highlights.highlight_withdraw(highlight=highlight, by=comms)
        call = lambda: highlights.highlight_withdraw(highlight=highlight, by=comms)  # noqa: E731
    events = highlight.events.count()
    with pytest.raises(ValidationError, match=message):
        call()
    assert highlight.events.count() == events


def test_answering_twice_is_refused(awaiting, author):
    consent = consent_of(awaiting, author)
    consent_answer(consent=consent, person=author, approve=True)
    with pytest.raises(ValidationError, match="already answered"):
        consent_answer(consent=consent, person=author, approve=False)


def test_team_only_and_hidden_wins_cannot_be_proposed(comms, author):
    team_only = WinFactory(author=author, visibility="team")
    hidden = WinFactory(author=author, is_hidden=True)
    with pytest.raises(ValidationError, match="team only"):
        highlights.highlight_propose(win=team_only, by=comms)
    with pytest.raises(ValidationError, match="hidden"):
        highlights.highlight_propose(win=hidden, by=comms)


def test_one_open_highlight_per_win(draft, win, comms):
    with pytest.raises(ValidationError, match="already has a highlight"):
        highlights.highlight_propose(win=win, by=comms)
    highlights.highlight_withdraw(highlight=draft, by=comms)
    again = highlights.highlight_propose(win=win, by=comms)
    assert again.slug != draft.slug


def test_an_image_is_copied_and_needs_a_description(comms, author, settings):

    win = WinFactory(author=author, image_status="ready", image_alt="A team photo")
    content = encode(Image.new("RGB", (64, 48), "teal"))
    win.image.save(content.name, ContentFile(content.read()), save=True)
    highlight = highlights.highlight_propose(win=win, by=comms)
    assert highlight.image
    assert highlight.image.name != win.image.name
    assert highlight.image.name.startswith("highlights/")
    assert highlight.image_alt == "A team photo"
    with pytest.raises(ValidationError) as caught:
        highlights.highlight_update(
            highlight=highlight, by=comms, title="T", text="X", image_choice="win", image_alt=""
        )
    assert "image_alt" in caught.value.message_dict


def test_reminder_once_then_expiry_declines(awaiting, author, credited, settings):
    """Halfway: one reminder (notification and email); at expiry: expired means no."""
    asked = consent_of(awaiting, author).asked_at
    before = Notification.objects.filter(kind="consent").count()
    early = consents_remind_and_expire(now=asked + timedelta(days=6))
    assert (early.reminded, early.expired) == (0, 0)
    half = consents_remind_and_expire(now=asked + timedelta(days=7, minutes=1))
    assert (half.reminded, half.expired) == (2, 0)
    again = consents_remind_and_expire(now=asked + timedelta(days=8))
    assert (again.reminded, again.expired) == (0, 0)
    assert Notification.objects.filter(kind="consent").count() == before + 2
    assert {e.period for e in author.emails.all()} == {
        f"c{consent_of(awaiting, author).pk}",
        f"c{consent_of(awaiting, author).pk}-reminder",
    }

    late = consents_remind_and_expire(now=asked + timedelta(days=14, seconds=1))
    assert late.expired == 1  # the first expiry declines; the other request is closed
    awaiting.refresh_from_db()
    assert awaiting.status == "declined"
    assert set(awaiting.consents.values_list("answer", flat=True)) == {"expired", "superseded"}
    assert actions(awaiting)[-1] == ("declined", "awaiting", "declined")
    assert awaiting.events.filter(action="declined").get().actor is None
    repeat = consents_remind_and_expire(now=asked + timedelta(days=20))
    assert (repeat.reminded, repeat.expired) == (0, 0)


def test_expired_request_cannot_be_answered(awaiting, author, settings):
    Consent.objects.filter(highlight=awaiting).update(
        expires_at=timezone.now() - timedelta(seconds=1),
        asked_at=timezone.now() - timedelta(days=15),
    )
    with pytest.raises(ValidationError, match="expired"):
        consent_answer(consent=consent_of(awaiting, author), person=author, approve=True)


def test_expiry_days_come_from_settings(draft, comms, settings):
    settings.CONSENT_EXPIRY_DAYS = 3
    consent = consent_request(highlight=draft, by=comms)[0]
    assert consent.expires_at - consent.asked_at == timedelta(days=3)


def test_beat_task_runs_the_sweep(awaiting):
    assert consents_remind_and_expire_task.delay().get() == {"reminded": 0, "expired": 0}


def test_events_record_who_and_when(published, comms, author):
    published_event = HighlightEvent.objects.get(highlight=published, action="published")
    assert published_event.actor == comms
    assert timezone.now() - published_event.created_at < timedelta(minutes=1)
    approvals = HighlightEvent.objects.filter(highlight=published, action="consent_approved")
    assert author in {e.actor for e in approvals}


def test_a_slug_never_shadows_the_atom_feed(win, comms):
    """A highlight titled "Feed" cannot take /highlights/feed/, the Atom feed's address."""
    highlight = highlights.highlight_propose(win=win, by=comms)
    highlight = highlights.highlight_update(
        highlight=highlight,
        by=comms,
        title="Feed",
        text=highlight.text,
        image_choice="none",
        image_alt="",
        public_names={},
    )

    assert highlight.slug != "feed"
    assert highlight.slug.startswith("feed-")


def test_deleting_the_win_takes_its_public_story_down(published, author, client):
    """A public story never outlives the win it tells: its page answers 410."""
    slug = published.slug
    assert client.get(f"/highlights/{slug}/").status_code == 200

    win_delete(win=published.win, user=author)

    published.refresh_from_db()
    assert published.status == Highlight.Status.WITHDRAWN
    assert published.events.filter(actor=author, to_status="withdrawn").exists()
    assert client.get(f"/highlights/{slug}/").status_code == 410
    assert highlight_public(slug) is None


def test_keeping_the_win_for_the_team_takes_its_story_down(awaiting, author):
    win = awaiting.win
    win_update(win=win, editor=author, body=win.body, visibility=Win.Visibility.TEAM)

    awaiting.refresh_from_db()
    assert awaiting.status == Highlight.Status.WITHDRAWN
    assert not awaiting.consents.filter(answer="pending").exists()


def test_an_edit_that_keeps_the_win_public_leaves_the_story(published, author):
    win = published.win
    win_update(win=win, editor=author, body=win.body + " (typo fixed)", visibility=win.visibility)

    published.refresh_from_db()
    assert published.status == Highlight.Status.PUBLISHED


# --------------------------------------------------------------------------
# By hand: `manage.py remind_and_expire_consents`
# --------------------------------------------------------------------------
def remind_and_expire_consents(*args: str) -> str:
    out = StringIO()
    call_command("remind_and_expire_consents", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def asked_days_ago(highlight, days: float) -> None:
    """Time passes: the requests of `highlight` were made `days` ago."""
    asked = timezone.now() - timedelta(days=days)
    Consent.objects.filter(highlight=highlight).update(
        asked_at=asked, expires_at=asked + timedelta(days=14)
    )


def test_the_command_reminds_once_halfway(
    awaiting, author, credited, django_capture_on_commit_callbacks
):
    """The hourly sweep by hand: each person who has not answered is reminded once,
    with a notification and an email; a second run sends nothing more."""
    asked_days_ago(awaiting, 8)
    with django_capture_on_commit_callbacks(execute=True):
        first = remind_and_expire_consents()
    with django_capture_on_commit_callbacks(execute=True):
        second = remind_and_expire_consents()

    assert "Done: 2 reminded, 0 expired" in first
    assert "Done: 0 reminded, 0 expired" in second
    for person in (author, credited):
        consent = consent_of(awaiting, person)
        assert consent.reminded_at is not None
        reminders = person.emails.filter(period=f"c{consent.pk}-reminder")
        assert reminders.count() == 1
    assert awaiting.events.filter(action="consent_reminded").count() == 2


def test_the_command_expires_what_nobody_answered(awaiting, django_capture_on_commit_callbacks):
    asked_days_ago(awaiting, 15)
    with django_capture_on_commit_callbacks(execute=True):
        first = remind_and_expire_consents()
    with django_capture_on_commit_callbacks(execute=True):
        second = remind_and_expire_consents()

    assert "Done: 0 reminded, 1 expired" in first  # the first declines; the other is closed
    assert "Done: 0 reminded, 0 expired" in second
    awaiting.refresh_from_db()
    assert awaiting.status == "declined"
    assert awaiting.events.filter(action="declined").count() == 1


def test_the_command_dry_run_counts_and_changes_nothing(
    awaiting, django_capture_on_commit_callbacks
):
    asked_days_ago(awaiting, 8)
    emails = Email.objects.count()
    events = awaiting.events.count()
    with django_capture_on_commit_callbacks(execute=True):
        output = remind_and_expire_consents("--dry-run")

    assert "Dry run: 2 would be reminded, 0 would expire" in output
    assert not awaiting.consents.filter(reminded_at__isnull=False).exists()
    assert (Email.objects.count(), awaiting.events.count()) == (emails, events)
