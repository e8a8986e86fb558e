"""
The shared cache: Redis, and the database while Redis does not answer.

allauth counts sign-in attempts in the cache, so with Django's Redis cache alone
a Redis outage turns every sign-in into an error page. Failing open would turn
the rate limits off exactly when something is wrong; failing closed would lock
everybody out. This cache asks Redis first and, when Redis cannot be reached,
uses the database cache (`createcachetable`), which every web process shares
too: limits keep counting, and nobody notices but the operator, who gets a
warning in the log (at most once a minute per process).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 60


class RedisWithDatabaseFallback(BaseCache):
    """A cache alias that forwards to `OPTIONS["primary"]`, or `OPTIONS["fallback"]`
    for each call the primary cannot serve because Redis is unreachable."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        options = params.get("OPTIONS", {})
        super().__init__({k: v for k, v in params.items() if k != "OPTIONS"})
        self.primary_alias = options["primary"]
        self.fallback_alias = options["fallback"]
        self._warned_at = 0.0

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(caches[self.primary_alias], method)(*args, **kwargs)
        except UNREACHABLE as error:
            now = time.monotonic()
            if now - self._warned_at > WARN_EVERY_SECONDS:
                self._warned_at = now
                logger.warning("Redis cache unreachable, using the database cache: %s", error)
            return getattr(caches[self.fallback_alias], method)(*args, **kwargs)

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def clear(self):
        return self._call("clear")
