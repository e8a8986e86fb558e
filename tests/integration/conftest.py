"""Helpers for tests that run real processes: Celery workers, web servers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def shared_database_url() -> str:
    """A DATABASE_URL for the database this test run uses, so child processes share it."""
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"


def child_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wins_net.settings",
        "DATABASE_URL": shared_database_url(),
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": "integration-tests-only-" + "x" * 40,
        "PYTHONUNBUFFERED": "1",
    }
    env.update(overrides)
    return env


@contextmanager
def celery_worker(
    env: dict[str, str], *, log: Path, concurrency: int = 1
) -> Iterator[subprocess.Popen]:
    """A real `celery worker` process, stopped (and reaped) on exit."""
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "celery"), "-A", "wins_net", "worker", "--loglevel=INFO",
                f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while b" ready." not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The worker did not start:\n{log.read_text()}")
                time.sleep(0.2)
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ask a child process to stop, kill it if it will not, and reap it."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
