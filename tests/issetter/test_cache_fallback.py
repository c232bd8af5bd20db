"""The REDIS_URL cache: with Redis unreachable each call is served from the process's memory (sign-in's
rate limit keeps counting), and nothing raises."""

from issetter.cache_fallback import RedisCacheWithFallback
from issetter.config import cache_config
from issetter.env import Env
from tests.servers import free_port


def test_it_serves_from_memory_while_redis_is_unreachable():
    cache = RedisCacheWithFallback(
        f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}, "KEY_PREFIX": "t"}
    )
    assert cache.add("attempts", 1, 60)
    assert cache.incr("attempts") == 2
    assert cache.get("attempts") == 2 and cache.get_many(["attempts"]) == {"attempts": 2}
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.has_key("a") and cache.delete("a") and not cache.has_key("a")
    cache.clear()
    assert cache.get("b") is None
    assert cache.redis_away


def test_redis_url_selects_the_fallback_cache_with_timeouts():
    cache = cache_config(Env({"REDIS_URL": "redis://127.0.0.1:6379/0"}))["default"]
    assert cache["BACKEND"] == "issetter.cache_fallback.RedisCacheWithFallback"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 2
