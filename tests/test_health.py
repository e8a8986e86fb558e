"""`/healthz` tells a load balancer whether Wins can serve, and how the broker is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def _probe(**env: str) -> dict:
    """Ask /healthz in a fresh process whose settings come from `env`."""
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "wins_net.settings",
        "SECRET_KEY": "health-tests-" + "x" * 40,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "testserver",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_healthy_app_answers_200_with_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "error"}
    assert body["broker_transport"]
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_database_answers_503():
    result = _probe(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere", CONN_MAX_AGE="0")
    assert result["status"] == 503
    assert result["body"]["database"] == "error"


def test_unreachable_redis_broker_is_reported_but_does_not_fail_the_check(tmp_path):
    db = tmp_path / "health.sqlite3"
    result = _probe(DATABASE_URL=f"sqlite:///{db}", REDIS_URL="redis://127.0.0.1:9/0")
    assert result["status"] == 200
    assert result["body"] == {
        "status": "ok",
        "database": "ok",
        "broker": "error",
        "broker_transport": "redis",
    }


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405
