"""A real Celery worker turns the cleaned source of a large photo into its display images."""

from __future__ import annotations

import time

import pytest
from celery import Celery
from PIL import Image

from feed.wins import photos, services
from feed.wins.models import Win
from tests.conftest import require_redis
from tests.factories import UserFactory
from tests.integration.conftest import celery_worker, child_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_processes_a_large_photo(tmp_path, settings, monkeypatch):
    redis_url = require_redis()
    settings.MEDIA_ROOT = tmp_path / "media"
    queued: list[int] = []
    monkeypatch.setattr(services, "_image_processing_enqueue", lambda win: queued.append(win.pk))
    win = services.win_create(
        author=UserFactory(),
        body="A big panorama",
        image_source=photos.source_file(Image.new("RGB", (5000, 3000), (20, 140, 90))),
        image_alt="Green",
    )
    assert queued == [win.pk]  # queued after the commit, as the request would
    source = win.image.path

    env = child_env(
        REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url, MEDIA_ROOT=str(tmp_path / "media")
    )
    with celery_worker(env, log=tmp_path / "worker.log"):
        app = Celery("wins_net_test", broker=redis_url, backend=redis_url)
        app.send_task("feed.win_image_process", args=[win.pk])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            win.refresh_from_db()
            if win.image_status != Win.ImageStatus.PROCESSING:
                break
            time.sleep(0.2)
    assert win.image_status == Win.ImageStatus.READY, (tmp_path / "worker.log").read_text()
    assert (win.image_width, win.image_height) == (1600, 960)
    assert Image.open(win.thumbnail.path).size == (480, 288)
    assert not (tmp_path / "media" / source).exists()
