"""`manage.py send_digests [--dry-run]` and beat's `feed.digests_plan` task.

Both plan last week's digests through `feed.notifications.digests.digests_plan`;
whatever runs twice, each manager gets one row and one message per week.
Tasks run eagerly here, so rows handed to "workers" are sent in the test's
process to Django's locmem outbox.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from feed.notifications.models import Email
from feed.notifications.periods import previous_week
from feed.notifications.tasks import digests_plan as digests_plan_task
from tests.feed.notifications.digest_helpers import due_zone, manager_with_team, win_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers():
    """Two managers whose people posted last week, and one whose people did not."""
    zone = due_zone()
    week = previous_week(time_zone=zone)
    result = []
    for name, wins in (("Ana Boss", 2), ("Bruno Boss", 1), ("Quiet Boss", 0)):
        manager, people = manager_with_team(name=name, reports=2, time_zone=zone)
        for n in range(wins):
            win_at(people[n], week.start + (week.end - week.start) / (n + 2), f"{name} win {n}")
        result.append(manager)
    return result, week


def send_digests(*args: str) -> str:
    out = StringIO()
    call_command("send_digests", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_prints_who_would_get_what_and_records_nothing(
    managers, django_capture_on_commit_callbacks
):
    (ana, bruno, quiet), week = managers
    with django_capture_on_commit_callbacks(execute=True):
        output = send_digests("--dry-run")

    assert f"{ana.email} (Ana Boss, en, {ana.time_zone}): week {week.key}, 2 wins" in output
    assert f"{bruno.email} (Bruno Boss, en, {bruno.time_zone}): week {week.key}, 1 win " in output
    assert quiet.email not in output
    assert "Dry run: 2 digests would be sent; 1 nothing to say" in output
    assert not Email.objects.exists()
    assert mail.outbox == []


def test_running_it_twice_sends_one_digest_per_manager(
    managers, django_capture_on_commit_callbacks
):
    (ana, bruno, _quiet), week = managers
    with django_capture_on_commit_callbacks(execute=True):
        first = send_digests()
    with django_capture_on_commit_callbacks(execute=True):
        second = send_digests()

    assert "Done: 2 digests recorded, 2 sent; 1 nothing to say" in first
    assert "Done: 0 digests recorded, 0 sent; 2 already recorded" in second
    rows = Email.objects.filter(kind=Email.Kind.DIGEST)
    assert sorted(rows.values_list("recipient__email", "period", "state")) == [
        (ana.email, week.key, Email.State.SENT),
        (bruno.email, week.key, Email.State.SENT),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ana.email, bruno.email])
    # Beat planning the same week afterwards finds the rows there.
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_plan_task.delay().get() == 0
    assert len(mail.outbox) == 2


def test_beat_firing_twice_in_the_same_hour_sends_one_each(
    managers, django_capture_on_commit_callbacks
):
    (ana, bruno, _quiet), _week = managers
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_plan_task.delay().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_plan_task.delay().get() == 0

    assert Email.objects.filter(kind=Email.Kind.DIGEST).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([ana.email, bruno.email])


def test_the_beat_entry_runs_the_task_every_quarter_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["digests-plan"]
    assert entry == {"task": "feed.digests_plan", "schedule": 15 * 60.0}
