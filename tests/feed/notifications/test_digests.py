"""The weekly manager digest: what it holds, whom it reaches and when, how it reads.

Built by `feed.notifications.digests.digest_build` from `Win.objects.visible_to(manager)`,
planned by `digests_plan` at Monday 08:00 in each manager's time zone, rendered
by `feed.notifications.emails.message_build` in the manager's language.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import Cadence, EmailPreference, User
from feed.notifications import digests, planning
from feed.notifications.digests import digest_build, digest_email_context, digests_plan
from feed.notifications.emails import message_build
from feed.notifications.models import Email
from feed.notifications.periods import period_from_key
from feed.notifications.planning import Skipped
from feed.notifications.services import preference_set
from tests.factories import TeamFactory, UserFactory
from tests.feed.notifications.digest_helpers import (
    LAST_WEEK,
    MADRID,
    MONDAY_MORNING,
    in_last_week,
    manager_with_team,
    text_of,
    win_at,
)

pytestmark = pytest.mark.django_db

W47 = period_from_key(key=LAST_WEEK, time_zone=MADRID)


@pytest.fixture
def team():
    """Marta manages Ana, Luis and Pau in Customer Care."""
    manager, (ana, luis, pau) = manager_with_team(reports=3)
    User.objects.filter(pk=ana.pk).update(name="Ana Arias")
    User.objects.filter(pk=luis.pk).update(name="Luis Luna")
    User.objects.filter(pk=pau.pk).update(name="Pau Paz")
    manager.refresh_from_db()
    return manager, *[User.objects.get(pk=p.pk) for p in (ana, luis, pau)]


def email_for(manager: User, period: str = LAST_WEEK) -> Email:
    return Email.objects.create(
        recipient=manager, kind=Email.Kind.DIGEST, period=period, message_id="<digest@test>"
    )


def html_of(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


# --------------------------------------------------------------------------
# What it holds
# --------------------------------------------------------------------------
def test_wins_are_grouped_by_person_with_totals_and_quiet_people(team):
    """Each person's wins under their name, by name; people without wins listed apart."""
    manager, ana, luis, pau = team
    win_at(luis, in_last_week(hours=50), "Luis fixed the printer", reactions=2, comments=1)
    win_at(ana, in_last_week(hours=10), "Ana closed the Bilbao deal", reactions=5)
    win_at(ana, in_last_week(hours=80), "Ana trained two new colleagues", comments=3)
    win_at(ana, in_last_week(hours=-5), "Ana, the week before: not in this digest")

    digest = digest_build(manager=manager, period=W47)

    assert [entry.person for entry in digest.posters] == [ana, luis]
    assert [win.excerpt for win in digest.posters[0].wins] == [
        "Ana closed the Bilbao deal",
        "Ana trained two new colleagues",
    ]
    assert digest.quiet == [pau]
    assert digest.quiet_count == 1
    totals = digest.totals
    assert (totals.wins, totals.posters, totals.people) == (3, 2, 3)
    assert (totals.reactions, totals.comments) == (7, 4)
    assert digest.posters[0].url == f"{settings.SITE_URL}/people/{ana.pk}/"


def test_the_most_celebrated_are_the_top_three_by_reactions_and_comments(team):
    manager, ana, luis, pau = team
    wins = {
        "quiet": win_at(ana, in_last_week(hours=1), "quiet one"),
        "loved": win_at(ana, in_last_week(hours=2), "loved one", reactions=9),
        "talked": win_at(luis, in_last_week(hours=3), "talked about", reactions=1, comments=6),
        "liked": win_at(pau, in_last_week(hours=4), "liked one", reactions=3),
        "one": win_at(pau, in_last_week(hours=5), "one reaction", reactions=1),
    }
    digest = digest_build(manager=manager, period=W47)
    assert [win.pk for win in digest.top] == [
        wins["loved"].pk,
        wins["talked"].pk,
        wins["liked"].pk,
    ]


def test_credits_thumbnails_and_links_are_absolute_and_described(team):
    manager, ana, luis, _pau = team
    win = win_at(ana, in_last_week(), "Ana and Luis shipped it", photo=True, credited=(luis,))
    digest = digest_build(manager=manager, period=W47)
    (item,) = digest.posters[0].wins
    assert item.credited == ["Luis Luna"]
    assert item.url == f"{settings.SITE_URL}/wins/{win.pk}/"
    thumb = item.thumbnail
    assert thumb.url.startswith(f"{settings.SITE_URL}/media/wins/2026/11/")
    assert (thumb.width, thumb.height) == (120, 80)


def test_team_only_wins_of_another_team_never_appear(team):
    """A report in another team keeps their team-only wins in that team, as in the feed."""
    manager, ana, *_ = team
    elsewhere = UserFactory(name="Eli Elsewhere", team=TeamFactory(name="Engineering"))
    elsewhere.manager = manager
    elsewhere.save()
    win_at(elsewhere, in_last_week(), "Engineering secret roadmap", team_only=True)
    win_at(elsewhere, in_last_week(), "Eli shared this with everyone")
    win_at(ana, in_last_week(), "Ana for our team only", team_only=True)

    digest = digest_build(manager=manager, period=W47)
    texts = [win.excerpt for entry in digest.posters for win in entry.wins]
    assert "Engineering secret roadmap" not in texts
    assert "Eli shared this with everyone" in texts
    assert "Ana for our team only" in texts
    assert next(w for e in digest.posters for w in e.wins if w.excerpt.startswith("Ana")).team_only

    message = message_build(email=email_for(manager))
    assert "secret roadmap" not in message.body
    assert "secret roadmap" not in html_of(message)


def test_hidden_wins_never_appear_even_for_staff(team):
    manager, ana, *_ = team
    User.objects.filter(pk=manager.pk).update(is_staff=True)
    manager.refresh_from_db()
    win_at(ana, in_last_week(), "Hidden by the moderators", hidden=True, reactions=50)
    assert digest_build(manager=manager, period=W47) is None
    win_at(ana, in_last_week(), "A fine win")
    digest = digest_build(manager=manager, period=W47)
    assert [w.excerpt for w in digest.posters[0].wins] == ["A fine win"]
    assert digest.totals.reactions == 0


def test_the_tree_scope_gathers_everyone_under_the_manager(team):
    """Direct reports by default; with the tree scope, their reports too, at any depth."""
    manager, ana, *_ = team
    bea = UserFactory(name="Bea Below", team=manager.team, manager=ana)
    cai = UserFactory(name="Cai Deeper", team=manager.team, manager=bea)
    win_at(cai, in_last_week(), "Two levels down")
    win_at(bea, in_last_week(), "One level down")

    assert digest_build(manager=manager, period=W47) is None
    preference_set(
        user=manager,
        kind=EmailPreference.DIGEST,
        cadence=Cadence.WEEKLY,
        scope=EmailPreference.DigestScope.TREE,
    )
    digest = digest_build(manager=manager, period=W47)
    assert digest.is_tree
    assert [entry.person.name for entry in digest.posters] == ["Bea Below", "Cai Deeper"]
    assert digest.totals.people == 5
    # Bea, in the middle, gets hers about Cai alone.
    assert [e.person for e in digest_build(manager=bea, period=W47).posters] == [cai]


def test_a_loop_in_the_reporting_lines_ends(team):
    """A reports to B and B to A (imported data can do that): the tree still ends."""
    manager, ana, *_ = team
    User.objects.filter(pk=manager.pk).update(manager=ana)
    manager.refresh_from_db()
    win_at(ana, in_last_week(), "Round and round")
    digest = digest_build(manager=manager, period=W47, scope=EmailPreference.DigestScope.TREE)
    assert [entry.person for entry in digest.posters] == [ana]
    assert manager not in digest.quiet


def test_people_who_left_are_left_out(team):
    manager, ana, luis, _pau = team
    win_at(ana, in_last_week(), "Ana's last win before leaving")
    User.objects.filter(pk=ana.pk).update(is_active=False)
    assert digest_build(manager=manager, period=W47) is None
    win_at(luis, in_last_week(), "Luis carries on")
    digest = digest_build(manager=manager, period=W47)
    assert [entry.person for entry in digest.posters] == [luis]
    assert ana not in digest.quiet
    assert digest.totals.people == 2


# --------------------------------------------------------------------------
# When it is due, and when there is nothing to say
# --------------------------------------------------------------------------
def test_each_manager_is_due_at_monday_eight_in_their_own_time_zone():
    """Madrid's manager is due at 08:00 Madrid time; Mexico City's seven hours later."""
    madrid, (ana,) = manager_with_team(name="Mar Madrid", reports=1, time_zone=MADRID)
    mexico, (beto,) = manager_with_team(
        name="Memo Mexico", reports=1, time_zone="America/Mexico_City"
    )
    win_at(ana, in_last_week(time_zone=MADRID), "Madrid win")
    win_at(beto, in_last_week(time_zone="America/Mexico_City"), "Mexico win")
    monday = MONDAY_MORNING.replace(hour=0, minute=0)  # 01:00 in Madrid, Sunday 18:00 in Mexico

    def planned(hour: int, minute: int = 0) -> list[str]:
        now = monday + timedelta(hours=hour, minutes=minute)
        return [plan.email for plan in digests_plan(now=now, dry_run=True)]

    # Still Sunday in Mexico City: its last week is the one before, without wins.
    assert planned(5) == []
    assert planned(6, 59) == []  # 07:59 in Madrid, 00:59 in Mexico City
    assert planned(7) == [madrid.email]  # 08:00 in Madrid
    assert planned(13, 59) == [madrid.email]  # 07:59 in Mexico City
    assert planned(14) == [madrid.email, mexico.email]  # 08:00 in Mexico City
    plans = digests_plan(now=monday + timedelta(hours=14), dry_run=True)
    assert {plan.period for plan in plans} == {LAST_WEEK}
    assert not Email.objects.exists()


def test_no_email_when_there_is_nothing_to_say(team):
    """Reports without wins, or no reports at all: no row, no message."""
    manager, *_ = team
    loner = UserFactory(name="Lone Wolf")
    win_at(loner, in_last_week(), "A win without a manager")
    skipped = Counter()
    assert digests_plan(now=MONDAY_MORNING, skipped=skipped) == []
    assert skipped == {Skipped.NOTHING: 1}
    assert digest_build(manager=manager, period=W47) is None
    assert digest_build(manager=loner, period=W47) is None
    assert not Email.objects.exists()


def test_a_manager_who_turned_the_digest_off_gets_nothing(team, django_capture_on_commit_callbacks):
    manager, ana, *_ = team
    win_at(ana, in_last_week(), "Worth telling")
    preference_set(user=manager, kind=EmailPreference.DIGEST, cadence=Cadence.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_plan(now=MONDAY_MORNING) == []
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_a_digest_turned_off_after_it_was_recorded_is_skipped(team):
    manager, ana, *_ = team
    win_at(ana, in_last_week(), "Worth telling")
    email = email_for(manager)
    assert digest_email_context(email=email) is not None
    preference_set(user=manager, kind=EmailPreference.DIGEST, cadence=Cadence.NEVER)
    assert digest_email_context(email=email) is None


# --------------------------------------------------------------------------
# How it reads
# --------------------------------------------------------------------------
def test_english_subject_and_both_parts(team):
    manager, ana, luis, _pau = team
    win_at(ana, in_last_week(), "Ana closed the Bilbao deal", reactions=4, comments=2)
    win_at(luis, in_last_week(hours=40), "Luis fixed the printer", photo=True)

    message = message_build(email=email_for(manager))

    assert message.subject == "Your team’s week of November 16: 2 wins"
    assert message.to == [manager.email]
    assert "Hello Marta," in message.body
    assert "Ana closed the Bilbao deal" in message.body
    # Pau shared nothing: counted, not named.
    assert "Pau Paz" not in message.body
    assert "1 person on your team did not share a win this week." in message.body
    html = html_of(message)
    assert '<html lang="en">' in html
    assert "Ana closed the Bilbao deal" in text_of(html)
    assert "from November 16 to November 22" in text_of(html)


def test_spanish_for_a_manager_who_reads_spanish(team):
    manager, ana, *_ = team
    User.objects.filter(pk=manager.pk).update(language="es")
    manager.refresh_from_db()
    win_at(ana, in_last_week(), "Ana cerró el acuerdo de Bilbao", comments=2)

    message = message_build(email=email_for(manager))

    assert "16 de noviembre" in message.subject
    assert "Hola, Marta:" in message.body
    assert "2 comentarios" in message.body
    html = html_of(message)
    assert '<html lang="es">' in html
    assert "Hola, Marta:" in html
    assert "16 de noviembre" in text_of(html)
    assert "martes" in message.body  # the day of the win, Tuesday 17 November


def test_no_tracking_pixel_and_one_click_unsubscribe(team):
    """Only the wins' thumbnails, each described and sized; unsubscribe in headers and text."""
    manager, ana, *_ = team
    win_at(ana, in_last_week(), "With a picture", photo=True)
    win_at(ana, in_last_week(hours=3), "Without one")

    message = message_build(email=email_for(manager))
    html = html_of(message)

    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == 1
    (image,) = images
    assert re.search(r'alt="Photo shared by Ana Arias"', image)
    assert 'width="120"' in image
    assert 'height="80"' in image
    assert f'src="{settings.SITE_URL}/media/wins/' in image
    assert "background-image" not in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in message.body
    assert unsubscribe in html
    assert f"{settings.SITE_URL}/notifications/email/" in html


def test_what_is_sent_goes_through_the_delivery_and_reaches_the_outbox(
    team, django_capture_on_commit_callbacks
):
    manager, ana, *_ = team
    win_at(ana, in_last_week(), "Sent for real")
    with django_capture_on_commit_callbacks(execute=True):
        (plan,) = digests_plan(now=MONDAY_MORNING)
    assert plan.recorded
    assert (plan.email, plan.period, plan.wins, plan.posters) == (manager.email, LAST_WEEK, 1, 1)
    (message,) = mail.outbox
    assert message.subject == "Your team’s week of November 16: 1 win"
    assert message.extra_headers["Message-ID"].startswith("<wins.digest.2026-W47.")
    assert Email.objects.get().state == Email.State.SENT


def test_rows_are_handed_to_workers_in_batches(monkeypatch, django_capture_on_commit_callbacks):
    """One task per delivery batch, not one per manager."""
    handed: list[list[int]] = []
    monkeypatch.setattr(planning, "emails_enqueue", lambda *, ids: handed.append(list(ids)))
    team = TeamFactory(name="Big")
    for n in range(3):
        _manager, (person,) = manager_with_team(name=f"Boss {n}", team=team, reports=1)
        win_at(person, in_last_week(), f"Win {n}")
    with django_capture_on_commit_callbacks(execute=True):
        plans = digests_plan(now=MONDAY_MORNING)
    assert len(plans) == 3
    assert handed == [[e.pk for e in Email.objects.order_by("recipient_id")]]


def test_a_small_week_has_no_most_celebrated_section(team):
    """With three wins or fewer, the top would only repeat the week."""
    manager, ana, *_ = team
    win_at(ana, in_last_week(), "Loved", reactions=9)
    win_at(ana, in_last_week(hours=2), "Liked", reactions=2)
    digest = digest_build(manager=manager, period=W47)
    assert digest.top == []
    assert "Most celebrated" not in html_of(message_build(email=email_for(manager)))


def test_a_big_team_still_fits_in_one_readable_email(django_assert_max_num_queries):
    """60 people with 6 wins each: some of everyone's wins, a line for the rest, and the
    message stays under the 102 KB past which Gmail hides its end (and unsubscribe)."""
    manager, people = manager_with_team(name="Big Boss", reports=60)
    for n, person in enumerate(people):
        for w in range(6):
            win_at(person, in_last_week(hours=n + w), f"Win {w} of {person.name}", photo=w == 0)

    digest = digest_build(manager=manager, period=W47)
    assert digest.totals.wins == 360
    assert sum(len(entry.shown_wins) for entry in digest.posters) == digests.EMAIL_WINS
    assert all(len(entry.shown_wins) <= 1 for entry in digest.posters)
    row = email_for(manager)
    with django_assert_max_num_queries(4):
        message = message_build(email=row)
    html = html_of(message)
    assert len(html.encode()) < 102_000
    assert "  " not in html  # indentation collapsed
    assert message.extra_headers["List-Unsubscribe"].strip("<>") in html
    assert all(person.name in html for person in people)
