"""The shared cache keeps working, in the database, while Redis does not answer."""

from __future__ import annotations

import socket

import pytest
from django.core.cache import caches

from tests.conftest import require_redis


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_cache_at(settings):
    """Point the cache at a Redis URL, with the database cache as its stand-in."""

    def configure(url: str) -> None:
        settings.CACHES = {
            "default": {
                "BACKEND": "wins_net.cache.RedisWithDatabaseFallback",
                "OPTIONS": {"primary": "redis", "fallback": "database"},
            },
            "redis": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "test-cache",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            },
            "database": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "wins_cache",
                "KEY_PREFIX": "test-cache",
            },
        }

    return configure


@pytest.mark.django_db
def test_redis_down_falls_back_to_the_database_cache(redis_cache_at, caplog):
    """Counting (what allauth's rate limits do) goes on in the database cache."""
    redis_cache_at(f"redis://127.0.0.1:{_closed_port()}/0")
    cache = caches["default"]
    assert cache.add("attempts", [1], 60) is True
    assert cache.add("attempts", [2], 60) is False
    assert cache.get("attempts") == [1]
    cache.set("attempts", [1, 2], 60)
    assert caches["database"].get("attempts") == [1, 2]
    cache.delete("attempts")
    assert cache.get("attempts", "gone") == "gone"
    assert "Redis cache unreachable" in caplog.text


@pytest.mark.django_db
def test_redis_up_is_used_and_the_database_untouched(redis_cache_at):
    redis_cache_at(require_redis())
    cache = caches["default"]
    cache.set("answer", 42, 60)
    assert caches["redis"].get("answer") == 42
    assert caches["database"].get("answer") is None
    cache.delete("answer")
