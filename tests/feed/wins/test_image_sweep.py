"""Photos stuck in "processing" because their task was lost are queued again, then given up on.

`feed.wins.services.win_images_sweep`, run by the periodic task `feed.win_images_sweep`.
Celery runs eagerly here, so a photo queued again is processed at once.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from kombu.exceptions import OperationalError
from PIL import Image

from feed.wins import photos, services, tasks
from feed.wins.models import Win
from tests.factories import UserFactory, WinFactory
from tests.feed.wins.test_images import RED, stored_files
from wins_net.celery import app

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def stuck_minutes(settings):
    settings.WIN_IMAGE_STUCK_MINUTES = 15


@pytest.fixture
def lost(media_root, django_capture_on_commit_callbacks):
    """Make a win whose photo waits for a task that never ran, `minutes` ago."""

    def make(minutes: float, *, edited_minutes: float | None = None) -> Win:
        author = UserFactory()
        with django_capture_on_commit_callbacks(execute=False):  # the broker was down
            win = services.win_create(
                author=author,
                body="Shipped the new onboarding",
                image_source=photos.source_file(Image.new("RGB", (400, 300), RED)),
                image_alt="A red square",
            )
        now = timezone.now()
        edited = None if edited_minutes is None else now - timedelta(minutes=edited_minutes)
        Win.objects.filter(pk=win.pk).update(
            created_at=now - timedelta(minutes=minutes), edited_at=edited
        )
        win.refresh_from_db()
        assert win.image_status == Win.ImageStatus.PROCESSING
        return win

    return make


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The ids queued for processing, instead of processing them."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.win_image_process, "delay", ids.append)
    return ids


def status(win: Win) -> str:
    win.refresh_from_db()
    return win.image_status


def test_a_photo_stuck_longer_than_the_setting_is_processed_again(
    lost, media_root, django_capture_on_commit_callbacks
):
    win = lost(minutes=20)
    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.win_images_sweep()
    assert sweep == services.ImageSweep(requeued=[win.pk], given_up=[])
    assert status(win) == Win.ImageStatus.READY
    assert win.thumbnail
    assert len(stored_files(media_root)) == 2  # display and thumbnail; the source is gone


def test_a_photo_still_within_the_setting_is_left_alone(lost, queued):
    """Its task may only be waiting in the queue, or retrying."""
    win = lost(minutes=10)
    assert services.win_images_sweep() == services.ImageSweep(requeued=[], given_up=[])
    assert queued == []
    assert status(win) == Win.ImageStatus.PROCESSING


def test_the_setting_decides_when_a_photo_is_stuck(lost, queued, settings):
    win = lost(minutes=20)
    settings.WIN_IMAGE_STUCK_MINUTES = 30
    assert services.win_images_sweep().requeued == []
    settings.WIN_IMAGE_STUCK_MINUTES = 5
    assert services.win_images_sweep().requeued == [win.pk]
    assert queued == [win.pk]


def test_a_photo_stuck_for_a_day_is_given_up_and_the_win_stays(
    lost, queued, media_root, django_capture_on_commit_callbacks
):
    win = lost(minutes=24 * 60 + 1)
    with django_capture_on_commit_callbacks(execute=True):
        sweep = services.win_images_sweep()
    assert sweep == services.ImageSweep(requeued=[], given_up=[win.pk])
    assert queued == []
    assert status(win) == Win.ImageStatus.FAILED
    assert not win.image
    assert win.body == "Shipped the new onboarding"
    assert stored_files(media_root) == []  # the source is deleted


def test_a_new_photo_waits_from_the_edit_not_from_the_post(lost, queued):
    """A photo added by editing an old win is not given up on at once."""
    fresh = lost(minutes=3 * 24 * 60, edited_minutes=5)
    stuck = lost(minutes=3 * 24 * 60, edited_minutes=20)
    sweep = services.win_images_sweep()
    assert sweep == services.ImageSweep(requeued=[stuck.pk], given_up=[])
    assert status(fresh) == status(stuck) == Win.ImageStatus.PROCESSING


def test_other_wins_are_never_touched(queued):
    old = timezone.now() - timedelta(days=3)
    wins = [
        WinFactory(image_status=image_status, created_at=old)
        for image_status in (Win.ImageStatus.NONE, Win.ImageStatus.READY, Win.ImageStatus.FAILED)
    ]
    assert services.win_images_sweep() == services.ImageSweep(requeued=[], given_up=[])
    assert [status(win) for win in wins] == ["", "ready", "failed"]
    assert queued == []


def test_a_lost_source_file_ends_as_failed(lost, media_root):
    """The task queued again finds no file to process: the photo fails, the win stays."""
    win = lost(minutes=20)
    for path in stored_files(media_root):
        path.unlink()
    assert services.win_images_sweep().requeued == [win.pk]
    assert status(win) == Win.ImageStatus.FAILED


def test_a_sweep_takes_a_batch_the_longest_waiting_first(lost, queued, monkeypatch):
    monkeypatch.setattr(services, "WIN_IMAGE_SWEEP_BATCH", 2)
    newest, oldest, middle = lost(minutes=20), lost(minutes=40), lost(minutes=30)
    assert services.win_images_sweep().requeued == [oldest.pk, middle.pk]
    assert services.win_images_sweep().requeued == [oldest.pk, middle.pk]  # still processing
    assert newest.pk not in queued


def test_sweeping_twice_processes_once(lost, django_capture_on_commit_callbacks):
    win = lost(minutes=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.win_images_sweep().requeued == [win.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.win_images_sweep() == services.ImageSweep(requeued=[], given_up=[])
    assert status(win) == Win.ImageStatus.READY


def test_the_periodic_task_calls_the_sweep(lost, django_capture_on_commit_callbacks):

    win = lost(minutes=20)
    hopeless = lost(minutes=2 * 24 * 60)
    assert "feed.win_images_sweep" in app.tasks
    with django_capture_on_commit_callbacks(execute=True):
        app.tasks["feed.win_images_sweep"].delay()
    assert status(win) == Win.ImageStatus.READY
    assert status(hopeless) == Win.ImageStatus.FAILED


def test_a_sweep_with_nothing_to_do_is_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        services.win_images_sweep()


# --------------------------------------------------------------------------
# By hand: `manage.py sweep_win_images`
# --------------------------------------------------------------------------
def sweep_win_images(*args: str) -> str:
    out = StringIO()
    call_command("sweep_win_images", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_processes_stuck_photos_and_gives_up_on_hopeless_ones(
    lost, django_capture_on_commit_callbacks
):
    """The beat sweep by hand: a photo stuck 20 minutes is processed (eager here), one
    stuck for days fails and its win stays; a second run finds nothing."""
    stuck = lost(minutes=20)
    hopeless = lost(minutes=3 * 24 * 60)

    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_win_images()
    with django_capture_on_commit_callbacks(execute=True):
        second = sweep_win_images()

    assert f"queued again: wins {stuck.pk}" in first
    assert f"given up on: wins {hopeless.pk}" in first
    assert "Done: 1 photo queued again, 1 given up on" in first
    assert "Done: 0 photos queued again, 0 given up on" in second
    assert status(stuck) == Win.ImageStatus.READY
    assert status(hopeless) == Win.ImageStatus.FAILED
    assert Win.objects.filter(pk=hopeless.pk).exists()


def test_the_command_dry_run_lists_the_wins_and_changes_nothing(lost, queued):
    stuck = lost(minutes=20)
    hopeless = lost(minutes=3 * 24 * 60)

    output = sweep_win_images("--dry-run")

    assert f"queued again would be: wins {stuck.pk}" in output
    assert f"given up on would be: wins {hopeless.pk}" in output
    assert "Dry run: 1 photo would be queued again, 1 would be given up on" in output
    assert queued == []
    assert status(stuck) == status(hopeless) == Win.ImageStatus.PROCESSING


def test_the_command_says_so_when_the_broker_is_down(lost, monkeypatch):
    stuck = lost(minutes=20)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.win_image_process, "delay", broker_down)
    with pytest.raises(CommandError, match="The Celery broker did not answer"):
        sweep_win_images()
    assert status(stuck) == Win.ImageStatus.PROCESSING
