"""
Shared fixtures.

Tests that need a real service (PostgreSQL, Redis, Chromium) call `require_*`:
on a machine without the service the test is skipped with the reason; under
`CI=true` nothing may be skipped, so the test fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.utils import translation

from tests.factories import UserFactory
from wins_net.celery import app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"


def unavailable(reason: str) -> None:
    """Skip with `reason`, or fail when running under CI, where nothing may be skipped."""
    if IN_CI:
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), 1):
            return True
    except OSError:
        return False


def require_redis() -> str:
    """The Redis URL to use, or skip when none answers."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not _port_open(url, 6379):
        unavailable(f"Redis does not answer at {url}")
    return url


def require_postgresql() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        unavailable("this test needs PostgreSQL: set DATABASE_URL=postgres://...")


def require_chromium() -> str:
    if not shutil.which(CHROMIUM):
        unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The database cache (used when there is no Redis) needs its table."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def password() -> str:
    return "a-Long-test-passw0rd"


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """Tests speak plain HTTP to the test client and the live server; static files unhashed."""
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Unit tests run tasks in-process; tests marked `integration` use a real worker."""

    eager = request.node.get_closest_marker("integration") is None
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = eager
    app.conf.task_eager_propagates = eager
    # `shared_task`s run through the current app, and a `Celery(...)` client made by
    # an earlier test in this process became current: every test starts with ours.
    app.set_current()
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _default_language():
    """A request in a person's language leaves that language active in the thread
    (the middleware activates it and nothing deactivates it): each test starts,
    and ends, in the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashers are slow on purpose; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_cache_keys(settings):
    """Each test counts in its own cache keys: rate limits never leak between tests or workers."""
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path_factory):
    """Uploaded and generated images of a test go to a folder of its own, never var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def cards_cache(settings):
    """The cache of rendered win cards (`feed.wins.cards`), in this test's own memory.

    With Redis (CI), clearing a cache empties the whole Redis database, which
    the other test processes share: a test that counts the queries of a page
    with its cards cached would see them vanish halfway. The SQL a page runs is
    the same whichever backend holds the cards.
    """
    settings.CACHES = {
        **settings.CACHES,
        "cards": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"cards-{uuid.uuid4().hex}",
        },
    }
    return caches["cards"]
