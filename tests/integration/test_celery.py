"""A real Celery worker consumes what the app publishes, on Redis and on the embedded broker."""

from __future__ import annotations

import pytest
from celery import Celery

from tests.conftest import require_redis
from tests.integration.conftest import celery_worker, child_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _client_app(broker: str, backend: str, transport_options: dict | None = None) -> Celery:
    app = Celery("wins_net_test", broker=broker, backend=backend)
    app.conf.broker_transport_options = transport_options or {}
    app.conf.task_serializer = "json"
    return app


def test_worker_answers_over_redis(tmp_path):
    """With REDIS_URL, a task published to Redis is run by a worker process."""
    redis_url = require_redis()
    env = child_env(REDIS_URL=redis_url, CELERY_BROKER_URL=redis_url)
    with celery_worker(env, log=tmp_path / "worker.log"):
        app = _client_app(redis_url, redis_url)
        result = app.send_task("wins_net.ping")
        assert result.get(timeout=30) == "pong"


def test_worker_answers_over_the_embedded_broker(tmp_path):
    """With no Redis, the file-system broker still reaches a real worker (no eager mode)."""
    broker_dir = tmp_path / "broker"
    results = tmp_path / "results"
    results.mkdir()
    env = child_env(
        REDIS_URL="",
        CELERY_BROKER_URL="filesystem://",
        CELERY_BROKER_DIR=str(broker_dir),
        CELERY_RESULT_BACKEND=f"file://{results}",
    )
    with celery_worker(env, log=tmp_path / "worker.log"):
        app = _client_app(
            "filesystem://",
            f"file://{results}",
            {
                "data_folder_in": str(broker_dir / "queue"),
                "data_folder_out": str(broker_dir / "queue"),
                "control_folder": str(broker_dir / "control"),
            },
        )
        result = app.send_task("wins_net.ping")
        assert result.get(timeout=30) == "pong"
