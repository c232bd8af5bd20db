"""The cache for REDIS_URL deployments: Redis, and while Redis cannot be reached, this process's memory.

Sign-in must not depend on Redis: sessions live in the database (Django's default engine), and the only
cache user on the way in is allauth's rate limit. A plain RedisCache raises ConnectionError there, and
sign-in answers 500. With this backend each cache call that finds Redis away goes to a per-process memory
cache instead (logged once per outage), so sign-in works and its throttle still counts — per web process
rather than shared — until Redis is back, when every call goes to Redis again.
"""

from __future__ import annotations

import functools
import logging

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

REDIS_AWAY = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
OPERATIONS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many")


class RedisCacheWithFallback(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        fallback_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        self.fallback = LocMemCache(f"redis-fallback-{server}", fallback_params)
        self.redis_away = False

    def clear(self) -> None:
        self.fallback.clear()
        try:
            super().clear()
        except REDIS_AWAY as problem:
            self._note_away(problem)

    def _note_away(self, problem: Exception) -> None:
        if not self.redis_away:
            log.warning("cache: Redis unavailable (%s); using this process's memory until it is back", problem)
        self.redis_away = True


def _with_fallback(name: str):
    redis_operation = getattr(RedisCache, name)

    @functools.wraps(redis_operation)
    def operation(self, *args, **kwargs):
        try:
            result = redis_operation(self, *args, **kwargs)
        except REDIS_AWAY as problem:
            self._note_away(problem)
            return getattr(self.fallback, name)(*args, **kwargs)
        if self.redis_away:
            log.warning("cache: Redis is back")
            self.redis_away = False
        return result

    return operation


for _name in OPERATIONS:
    setattr(RedisCacheWithFallback, _name, _with_fallback(_name))
