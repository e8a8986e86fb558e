"""Comms' weekly email of highlight candidates: last week's best wins nobody has proposed.

Planned by `feed.notifications.candidates.candidates_plan` (beat, every 15 minutes) at Monday
08:00 in each comms person's time zone, one row per person and ISO week, sent
by `feed.notifications.delivery` in their language, with one-click unsubscribe.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Cadence, EmailPreference
from feed.notifications import planning
from feed.notifications.candidates import candidates_plan
from feed.notifications.emails import message_build
from feed.notifications.models import Email
from feed.notifications.periods import previous_week
from feed.notifications.planning import Skipped
from feed.notifications.preferences import cadence_for
from feed.notifications.services import preference_set
from feed.notifications.tasks import candidates_plan as candidates_plan_task
from feed.wins.access import COMMS_GROUP
from tests.factories import HighlightFactory, TeamFactory, UserFactory, comms_user
from tests.feed.notifications.digest_helpers import (
    LAST_WEEK,
    MADRID,
    MONDAY_MORNING,
    in_last_week,
    win_at,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:feed_curationcandidate_changelist")


def text_of(markup: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def html_of(message) -> str:
    (body, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return body


@pytest.fixture
def carla():
    return comms_user(name="Carla Comms", email="carla@example.com", time_zone=MADRID)


@pytest.fixture
def ana():
    return UserFactory(
        name="Ana Arias", email="ana@example.com", team=TeamFactory(name="Customer Care")
    )


def plan_and_send(capture, **kwargs):
    with capture(execute=True):
        return candidates_plan(now=kwargs.pop("now", MONDAY_MORNING), **kwargs)


def test_comms_get_last_weeks_best_wins_that_nobody_proposed(
    carla, ana, django_capture_on_commit_callbacks
):
    """Best first, with author, team, counts, thumbnail, and links to the queue and the win;
    team-only, hidden, proposed and older wins left out."""
    luis = UserFactory(name="Luis Luna", team=ana.team)
    best = win_at(ana, in_last_week(), "Ana closed the Bilbao deal", reactions=5, comments=2,
                  photo=True, credited=(luis,))  # fmt: skip
    plain = win_at(luis, in_last_week(hours=60), "Luis fixed the printer", reactions=1)
    win_at(ana, in_last_week(), "Team only: the budget", team_only=True, reactions=9)
    win_at(ana, in_last_week(), "Hidden by moderators", hidden=True, reactions=9)
    proposed = win_at(ana, in_last_week(), "Already a highlight", reactions=9)
    HighlightFactory(win=proposed)
    win_at(ana, in_last_week(hours=-5), "The week before")
    win_at(ana, MONDAY_MORNING - timedelta(hours=1), "This Monday, for next week")

    (plan,) = plan_and_send(django_capture_on_commit_callbacks)

    assert (plan.email, plan.period, plan.candidates, plan.recorded) == (
        carla.email, LAST_WEEK, 2, True,
    )  # fmt: skip
    (message,) = mail.outbox
    assert message.to == [carla.email]
    assert message.subject == "Highlight candidates: 2 wins from the week of November 16"
    assert message.extra_headers["Message-ID"].startswith("<wins.candidates.2026-W47.")
    body, page = message.body, text_of(html_of(message))
    for text in (body, page):
        assert "Hello Carla," in text
        assert text.index("Ana closed the Bilbao deal") < text.index("Luis fixed the printer")
        assert "Ana Arias" in text
        assert "Customer Care" in text
        assert "5 reactions" in text
        assert "2 comments" in text
        assert "1 person credited" in text
        for absent in ("Team only", "Hidden by", "Already a highlight", "The week before"):
            assert absent not in text
        assert "This Monday" not in text
        assert "from November 16 to November 22" in text
    for win in (best, plain):
        win_url = f"{settings.SITE_URL}/wins/{win.pk}/"
        queue_url = f"{settings.SITE_URL}{QUEUE}?id__exact={win.pk}"
        assert win_url in body
        assert queue_url in body
        assert f'href="{win_url}"' in html_of(message)
        assert f'href="{html.escape(queue_url)}"' in html_of(message)
    images = re.findall(r"<img\b[^>]*>", html_of(message))
    assert len(images) == 1  # only the win's thumbnail: no tracking pixel
    assert 'alt="Photo shared by Ana Arias"' in images[0]
    assert f'src="{settings.SITE_URL}/media/wins/' in images[0]
    assert Email.objects.get().state == Email.State.SENT


def test_no_email_when_there_is_no_candidate(carla, ana, django_capture_on_commit_callbacks):
    win_at(ana, in_last_week(), "Team only", team_only=True)
    win_at(ana, in_last_week(), "Hidden", hidden=True)
    skipped = Counter()

    assert plan_and_send(django_capture_on_commit_callbacks, skipped=skipped) == []

    assert skipped == {Skipped.NOTHING: 1}
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_once_a_week_however_often_it_is_planned(carla, ana, django_capture_on_commit_callbacks):
    win_at(ana, in_last_week(), "Worth a story")
    assert len(plan_and_send(django_capture_on_commit_callbacks)) == 1
    skipped = Counter()
    later = MONDAY_MORNING + timedelta(hours=5)
    assert plan_and_send(django_capture_on_commit_callbacks, now=later, skipped=skipped) == []
    assert skipped == {Skipped.ALREADY: 1}
    assert Email.objects.filter(kind=Email.Kind.CANDIDATES).count() == 1
    assert len(mail.outbox) == 1


def test_each_person_is_due_at_monday_eight_in_their_own_time_zone(ana):
    """Madrid's comms at 08:00 Madrid time; Mexico City's seven hours later."""
    madrid = comms_user(name="Mar Madrid", time_zone=MADRID)
    mexico = comms_user(name="Memo Mexico", time_zone="America/Mexico_City")
    win_at(ana, in_last_week(), "A win for both")
    monday = MONDAY_MORNING.replace(hour=0, minute=0)  # 01:00 in Madrid, Sunday 18:00 in Mexico

    def planned(hour: int, minute: int = 0) -> list[str]:
        now = monday + timedelta(hours=hour, minutes=minute)
        return [plan.email for plan in candidates_plan(now=now, dry_run=True)]

    assert planned(6, 59) == []  # 07:59 in Madrid
    assert planned(7) == [madrid.email]
    assert planned(13, 59) == [madrid.email]  # 07:59 in Mexico City
    assert planned(14) == [madrid.email, mexico.email]
    assert not Email.objects.exists()  # a dry run writes nothing


def test_only_active_comms_get_it(ana, django_capture_on_commit_callbacks):
    """Comms and superusers (`is_comms`); not managers, staff or people who left."""
    comms = comms_user(name="Cleo Comms")
    root = UserFactory(name="Root", is_superuser=True, is_staff=True)
    UserFactory(name="Sam Staff", is_staff=True)
    UserFactory(name="Mia Manager").reports.add(UserFactory())
    left = comms_user(name="Lea Left")
    left.is_active = False
    left.save(update_fields=["is_active"])
    win_at(ana, in_last_week(), "Worth a story")

    plans = plan_and_send(django_capture_on_commit_callbacks)

    assert {plan.email for plan in plans} == {comms.email, root.email}
    assert {message.to[0] for message in mail.outbox} == {comms.email, root.email}


def test_a_person_who_turned_it_off_gets_nothing(carla, ana, django_capture_on_commit_callbacks):
    win_at(ana, in_last_week(), "Worth a story")
    preference_set(user=carla, kind=EmailPreference.CANDIDATES, cadence=Cadence.NEVER)
    skipped = Counter()
    assert plan_and_send(django_capture_on_commit_callbacks, skipped=skipped) == []
    assert skipped == {Skipped.OFF: 1}
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_a_row_is_skipped_when_it_is_no_longer_wanted(carla, ana):
    """Turned off, left comms, or the candidates proposed since it was recorded."""
    win = win_at(ana, in_last_week(), "Worth a story")
    email = Email.objects.create(recipient=carla, kind=Email.Kind.CANDIDATES, period=LAST_WEEK)
    assert message_build(email=email) is not None

    HighlightFactory(win=win)
    assert message_build(email=email) is None
    Email.objects.all().delete()
    win_at(ana, in_last_week(), "Another story")
    email = Email.objects.create(recipient=carla, kind=Email.Kind.CANDIDATES, period=LAST_WEEK)

    preference_set(user=carla, kind=EmailPreference.CANDIDATES, cadence=Cadence.NEVER)
    assert message_build(email=email) is None
    preference_set(user=carla, kind=EmailPreference.CANDIDATES, cadence=Cadence.WEEKLY)
    carla.groups.remove(Group.objects.get(name=COMMS_GROUP))
    assert message_build(email=email) is None


def test_spanish_for_comms_who_read_spanish(carla, ana):
    carla.language = "es"
    carla.save(update_fields=["language"])
    win_at(ana, in_last_week(), "Ana cerró el acuerdo de Bilbao", comments=2)
    email = Email.objects.create(recipient=carla, kind=Email.Kind.CANDIDATES, period=LAST_WEEK)

    message = message_build(email=email)

    assert "16 de noviembre" in message.subject
    assert "Hola, Carla:" in message.body
    assert "2 comentarios" in message.body
    assert "22 de noviembre" in message.body
    assert '<html lang="es">' in html_of(message)
    assert "Verlo en Wins" in text_of(html_of(message))


def test_one_click_unsubscribe_turns_it_off_and_undo_turns_it_back_on(client, carla, ana):
    win_at(ana, in_last_week(), "Worth a story")
    email = Email.objects.create(recipient=carla, kind=Email.Kind.CANDIDATES, period=LAST_WEEK)
    message = message_build(email=email)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body
    assert html.escape(unsubscribe) in html_of(message) or unsubscribe in html_of(message)

    response = client.post(
        unsubscribe.removeprefix(settings.SITE_URL), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert cadence_for(user=carla, kind=EmailPreference.CANDIDATES) == Cadence.NEVER
    assert "You will no longer get the weekly email of highlight candidates." in text_of(
        response.content.decode()
    )
    assert message_build(email=email) is None
    undo = re.search(r'name="undo" value="([^"]+)"', response.content.decode())[1]
    response = client.post(
        unsubscribe.removeprefix(settings.SITE_URL), {"action": "undo", "undo": undo}
    )
    assert "You will get the weekly email of highlight candidates again." in text_of(
        response.content.decode()
    )
    assert cadence_for(user=carla, kind=EmailPreference.CANDIDATES) == Cadence.WEEKLY


def test_only_comms_see_and_set_it_on_the_preferences_page(client, carla):
    url = reverse("notifications:preferences")
    client.force_login(UserFactory(name="Nora Nocomms"))
    assert "Weekly email of highlight candidates" not in client.get(url).content.decode()

    client.force_login(carla)
    page = client.get(url).content.decode()
    assert "Weekly email of highlight candidates" in page
    data = {
        name: re.search(
            rf'<select name="{name}".*?<option value="([^"]*)"[^>]*selected', page, re.S
        ).group(1)
        for name in re.findall(r'<select name="([^"]+)"', page)
    }
    assert data["candidates"] == Cadence.WEEKLY
    response = client.post(url, {**data, "candidates": Cadence.NEVER})
    assert response.status_code == 302
    assert cadence_for(user=carla, kind=EmailPreference.CANDIDATES) == Cadence.NEVER
    assert EmailPreference.objects.filter(user=carla).count() == 1  # only what changed


def test_rows_are_handed_to_the_workers_after_the_commit(
    monkeypatch, ana, django_capture_on_commit_callbacks
):
    """One hand-over for everyone planned, not one per person."""
    handed: list[list[int]] = []
    monkeypatch.setattr(planning, "emails_enqueue", lambda *, ids: handed.append(ids))
    for n in range(3):
        comms_user(name=f"Comms {n}", time_zone=MADRID)
    win_at(ana, in_last_week(), "Worth a story")
    with django_capture_on_commit_callbacks(execute=True):
        assert len(candidates_plan(now=MONDAY_MORNING)) == 3
    assert handed == [list(Email.objects.order_by("pk").values_list("pk", flat=True))]


def test_the_email_costs_the_same_queries_for_one_candidate_or_ten(
    carla, ana, django_assert_num_queries
):
    email = Email.objects.create(recipient=carla, kind=Email.Kind.CANDIDATES, period=LAST_WEEK)
    win_at(ana, in_last_week(), "The first", photo=True)
    with django_assert_num_queries(3) as one:
        message_build(email=email)
    for n in range(9):
        author = UserFactory(name=f"Author {n}")
        win_at(author, in_last_week(hours=n), f"Win number {n}", reactions=n, photo=n % 2 == 0)
    with django_assert_num_queries(len(one.captured_queries)):
        message = message_build(email=email)
    assert "Highlight candidates: 10 wins" in message.subject


def test_beat_plans_it_every_quarter_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["candidates-plan"]
    assert entry == {"task": "feed.candidates_plan", "schedule": 15 * 60.0}


# --------------------------------------------------------------------------
# By hand: `manage.py send_candidates`
# --------------------------------------------------------------------------
def send_candidates(*args: str) -> str:
    out = StringIO()
    call_command("send_candidates", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def real_last_week(carla, ana) -> str:
    """A win worth a story in the week before today, whatever the day."""
    week = previous_week(time_zone=carla.time_zone)
    win_at(ana, week.start + timedelta(hours=30), "Ana closed the Bilbao deal", reactions=3)
    return week.key


def test_send_candidates_records_and_sends_once_whatever_the_day(
    carla, real_last_week, django_capture_on_commit_callbacks
):
    """The planner by hand, without waiting for Monday: sent in this process; a second
    run records and sends nothing, and neither does beat afterwards."""
    with django_capture_on_commit_callbacks(execute=True):
        first = send_candidates()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_candidates()
    with django_capture_on_commit_callbacks(execute=True):
        assert candidates_plan_task.delay().get() == 0

    assert f"{carla.email} (en, {MADRID}): week {real_last_week}, 1 candidate" in first
    assert "Done: 1 email recorded, 1 sent" in first
    assert "Done: 0 emails recorded, 0 sent; 1 already recorded" in second
    rows = Email.objects.filter(kind=Email.Kind.CANDIDATES)
    assert list(rows.values_list("recipient", "period", "state")) == [
        (carla.pk, real_last_week, Email.State.SENT)
    ]
    (message,) = mail.outbox
    assert message.to == [carla.email]


def test_send_candidates_dry_run_prints_who_and_records_nothing(
    carla, real_last_week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = send_candidates("--dry-run")

    assert f"{carla.email} (en, {MADRID}): week {real_last_week}, 1 candidate" in output
    assert "Dry run: 1 email would be sent" in output
    assert not Email.objects.exists()
    assert mail.outbox == []
