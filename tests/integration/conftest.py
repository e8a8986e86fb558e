"""Helpers for tests that run real processes: Celery workers, web servers, Redis, SMTP."""

from __future__ import annotations

import asyncio
import email
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from celery import current_app
from django.db import connection

from tests.conftest import unavailable
from wins_net.celery import app

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


# --------------------------------------------------------------------------
# Private services and process groups, for tests that stop or kill them
# --------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    predicate: Callable[[], object], *, timeout: float, message: str | Callable[[], str]
) -> object:
    """Poll `predicate` until it returns something true; fail with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message() if callable(message) else message)
        time.sleep(0.05)


@contextmanager
def redis_server(port: int, *, folder: Path) -> Iterator[str]:
    """A private `redis-server` on `port` that keeps nothing on disk; yields its URL.

    For tests that stop Redis: the shared one on 6379 is used by other tests and
    must never be stopped. Leaving the block stops the server; entering another
    block with the same port starts an empty one, as a restarted Redis would be.
    """

    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--logfile", str(folder / f"redis-{port}.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), 0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


@contextmanager
def process_group(
    command: list[str], env: dict[str, str], *, log: Path, ready: bytes | None, timeout: float = 30
) -> Iterator[subprocess.Popen]:
    """A child in a session of its own (so `kill_group` reaches its own children, such
    as Celery's pool), ready once `ready` appears in its log (None: do not wait, see
    `wait_ready`); stopped on exit."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            if ready is not None:
                wait_ready(process, log=log, ready=ready, timeout=timeout)
            yield process
        finally:
            stop_group(process)


def wait_ready(process: subprocess.Popen, *, log: Path, ready: bytes, timeout: float = 30) -> None:
    """Wait until `ready` appears in the log of `process`; raise if it stops or takes too long."""
    deadline = time.monotonic() + timeout
    while ready not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{process.args[0]} did not start:\n{log.read_text()}")
        time.sleep(0.1)


def celery_command(*args: str) -> list[str]:
    return [str(VENV_BIN / "celery"), "-A", "wins_net", *args]


def worker_command(*, name: str, concurrency: int = 1) -> list[str]:
    return celery_command(
        "worker", "--loglevel=INFO", f"--concurrency={concurrency}", "--without-gossip",
        "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h",
    )  # fmt: skip


def beat_command(*, schedule: Path) -> list[str]:
    """celery beat with a schedule file of its own (the default one is the developer's)."""
    return celery_command("beat", "--loglevel=INFO", "-s", str(schedule))


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL a `process_group` child and every process it started, as a crash would."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop_group(process: subprocess.Popen) -> None:
    """Ask a `process_group` child to stop; kill its whole group if it will not."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with suppress(ProcessLookupError):  # pool children left behind
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def celery_publishing_to(broker_url: str, **transport_options: object) -> Iterator[None]:
    """Tasks published by this test process go to `broker_url` instead of the configured
    broker (shared by other tests), for as long as the block lasts."""

    def forget_connections() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._after_fork()  # drops the cached connection and producer pools

    # Tasks (`shared_task`) publish through the current app: a client app another
    # test made (`Celery(...)` becomes current by default) must not take them.
    previous = current_app._get_current_object()
    saved = app.conf.broker_url, app.conf.broker_transport_options
    forget_connections()
    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options
    app.set_current()
    try:
        yield
    finally:
        forget_connections()
        app.conf.broker_url, app.conf.broker_transport_options = saved
        previous.set_current()


# --------------------------------------------------------------------------
# A local SMTP server that counts what arrives
# --------------------------------------------------------------------------
class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it accepted.

    It counts per recipient and per Message-ID, so a test sees a message that is
    missing or arrived twice. While `refuse` names steps ("mail", "rcpt", "data")
    it answers 451 at one of them, in turn for each message; `refuse_connections()`
    closes the port itself; recipients in `rejected` always get 550. `delay` slows
    each message before its 250; `hold_after(n)` stops the next sender at MAIL once
    `n` messages arrived, until `release()`, so a test can act while a client is
    between two messages.
    """

    def __init__(self, *, delay: float = 0.0):
        self.delay = delay
        self.refuse: tuple[str, ...] = ()
        self._transactions = 0
        self.rejected: set[str] = set()
        self.refused = 0  # answers 451/550 given
        self.accepted: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.port = free_port()
        self._lock = threading.Lock()
        self._hold_at: int | None = None
        self.holding = threading.Event()
        self._released = threading.Event()
        self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpSink:
        self._start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
        self._stop()

    def _start(self) -> None:

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def _stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @contextmanager
    def refuse_connections(self) -> Iterator[None]:
        """Nothing listens on the port inside the block: connections are refused."""
        self._stop()
        try:
            yield
        finally:
            self._start()

    def hold_after(self, count: int) -> None:
        self._hold_at = count

    def release(self) -> None:
        self._hold_at = None
        self._released.set()

    # What the tests read.
    def by_recipient(self) -> Counter[str]:
        with self._lock:
            return Counter(recipient for recipient, _message_id in self.accepted)

    def by_message_id(self) -> Counter[str]:
        with self._lock:
            return Counter(message_id for _recipient, message_id in self.accepted)

    def count(self) -> int:
        with self._lock:
            return len(self.accepted)

    # aiosmtpd's handler hooks.
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self._hold_at is not None and self.count() >= self._hold_at:
            self.holding.set()
            while not self._released.is_set():
                await asyncio.sleep(0.02)
        steps = self.refuse
        self._transactions += 1
        # The step this message is refused at, if the server is refusing now.
        envelope.refuse_at = steps[self._transactions % len(steps)] if steps else None
        if envelope.refuse_at == "mail":
            return self._refusal("451 4.3.0 Try again later (mail)")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            return self._refusal("550 5.1.1 No such mailbox here")
        if getattr(envelope, "refuse_at", None) == "rcpt":
            return self._refusal("451 4.3.0 Try again later (rcpt)")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if getattr(envelope, "refuse_at", None) == "data":
            return self._refusal("451 4.3.0 Try again later (data)")
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.accepted.append((recipient, message["Message-ID"]))
        return "250 OK"

    def _refusal(self, answer: str) -> str:
        with self._lock:
            self.refused += 1
        return answer


# --------------------------------------------------------------------------
# A production-like web process
# --------------------------------------------------------------------------
def collect_static(env: dict[str, str]) -> None:
    """`collectstatic`, which DEBUG=false needs, one test process at a time: it
    rewrites the manifest that starting servers read (same lock as test_rate_limits)."""
    lock_path = ROOT / "var" / "collectstatic.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            subprocess.run(
                [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v", "0"],
                cwd=ROOT, env=env, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def web_server(env: dict[str, str], *, log: Path) -> Iterator[str]:
    """gunicorn on a free port of 127.0.0.1, serving once /healthz answers; yields its URL."""

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(VENV_BIN / "gunicorn"), "wins_net.wsgi", "-b", f"127.0.0.1:{port}",
               "--workers", "1", "--timeout", "60"]  # fmt: skip
    with process_group(command, env, log=log, ready=b"Booting worker") as process:

        def answers() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{log.read_text()}")
            try:
                return requests.get(f"{url}/healthz", timeout=5).status_code == 200
            except requests.RequestException:  # not listening yet, or still booting
                return False

        wait_until(
            answers, timeout=30, message=lambda: f"gunicorn did not answer:\n{log.read_text()}"
        )
        yield url
