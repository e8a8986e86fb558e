"""allauth's rate limits hold across web processes: two gunicorn servers keep one count.

allauth counts attempts in the cache, so a deployment with several web processes must
share one: Redis when REDIS_URL is set, the database cache otherwise. These tests start
two real gunicorn servers on the test database (and the test run's REDIS_URL, if any),
behind one "proxy" (TRUSTED_PROXY_COUNT=1, each client named by X-Forwarded-For), and
alternate requests between them. Run them with and without REDIS_URL.
"""

from __future__ import annotations

import fcntl
import re
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests
from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories import UserFactory
from tests.integration.conftest import ROOT, VENV_BIN, child_env, stop

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Every process must agree on the host: allauth keys failed logins by site and address.
HOST = "127.0.0.1"
PASSWORD = "Right-passw0rd-for-rate-limits"
TOO_MANY_ATTEMPTS = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
# allauth's defaults (allauth/account/app_settings.py, RATE_LIMITS):
FAILED_LOGINS_PER_ADDRESS = 5  # "login_failed": "10/m/ip,5/300s/key"
LOGIN_POSTS_PER_IP = 30  # "login": "30/m/ip"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextmanager
def _static_files_lock() -> Iterator[None]:
    """collectstatic rewrites the manifest that starting servers read: one test run at a time."""
    lock_path = ROOT / "var" / "collectstatic.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _gunicorn(env: dict[str, str], *, log: Path) -> Iterator[str]:
    """A production-like gunicorn on a free port, answering /healthz; stopped on exit."""
    port = _free_port()
    url = f"http://{HOST}:{port}"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "wins_net.wsgi", "-b", f"{HOST}:{port}", "--workers", "1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
                try:
                    if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or still booting
                    pass
                time.sleep(0.2)
            yield url
        finally:
            stop(process)


class Browser:
    """One visitor's session with one server, seen through our proxy as `client_ip`."""

    def __init__(self, server: str, client_ip: str):
        self.server = server
        self.session = requests.Session()
        self.session.headers.update({"Host": HOST, "X-Forwarded-For": client_ip})
        page = self.session.get(f"{server}/accounts/login/", timeout=10)
        assert page.status_code == 200, page.text[:500]
        self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    def sign_in(self, email: str, password: str) -> requests.Response:
        return self.session.post(
            f"{self.server}/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": self.csrf_token},
            allow_redirects=False,
            timeout=30,
        )


def _client_ip() -> str:
    """A client address of this test alone, so counts left in the cache by others do not matter."""
    return "10." + ".".join(str(secrets.randbelow(254) + 1) for _ in range(3))


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory) -> Iterator[list[str]]:
    """Two gunicorn servers sharing the test database and cache, as two web hosts would."""
    logs = tmp_path_factory.mktemp("gunicorn")
    env = child_env(
        ALLOWED_HOSTS=HOST,
        TRUSTED_PROXY_COUNT="1",
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
    )
    with ExitStack() as stack:
        with _static_files_lock():
            collect = subprocess.run(
                [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v", "0"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert collect.returncode == 0, collect.stderr
            urls = [stack.enter_context(_gunicorn(env, log=logs / f"web{n}.log")) for n in (1, 2)]
            for url in urls:  # each loads the static manifest while the lock is held
                Browser(url, _client_ip())
        yield urls


def _person() -> str:
    email = f"rl-{secrets.token_hex(4)}@example.com"
    person = UserFactory(email=email)
    hasher = PBKDF2PasswordHasher()  # what the servers verify with
    person.password = hasher.encode(PASSWORD, hasher.salt())
    person.save(update_fields=["password"])
    return email


def test_failed_sign_ins_are_counted_across_servers(servers):
    """Wrong passwords for one address, alternating between the servers: after allauth's
    limit both servers refuse even the right password, though each saw fewer failures
    than the limit itself."""
    email = _person()
    client_ip = _client_ip()
    browsers = [Browser(server, client_ip) for server in servers]

    for attempt in range(FAILED_LOGINS_PER_ADDRESS):
        response = browsers[attempt % 2].sign_in(email, "wrong-password")
        assert response.status_code == 200
        assert TOO_MANY_ATTEMPTS not in response.text, f"attempt {attempt + 1}"

    for browser in browsers:
        response = browser.sign_in(email, PASSWORD)
        assert response.status_code == 200, browser.server
        assert TOO_MANY_ATTEMPTS in response.text, browser.server
        assert "sessionid" not in browser.session.cookies


def test_right_password_works_before_the_limit(servers):
    """The control: the same set-up signs a person in when nothing was failed."""
    email = _person()

    response = Browser(servers[1], _client_ip()).sign_in(email, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_too_many_sign_in_posts_get_429_on_both_servers(servers):
    """allauth's per-client limit on the sign-in form is one count for the deployment:
    past it, both servers answer 429, while another client is still served."""
    client_ip = _client_ip()
    browsers = [Browser(server, client_ip) for server in servers]

    statuses = [
        browsers[n % 2].sign_in(f"nobody-{n}@example.com", "wrong").status_code
        for n in range(LOGIN_POSTS_PER_IP)
    ]
    assert 429 not in statuses

    for browser in browsers:
        response = browser.sign_in("nobody@example.com", "wrong")
        assert response.status_code == 429, browser.server
        assert "Too many attempts" in response.text

    # Behind the proxy, another client is counted on its own.
    for server in servers:
        assert (
            Browser(server, _client_ip()).sign_in("nobody@example.com", "wrong").status_code == 200
        )
