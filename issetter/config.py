"""Settings fragments derived from environment variables, as pure functions the tests can call."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from issetter.env import Env


def database_config(env: Env, *, base_dir: Path) -> dict:
    """SQLite under var/ when DATABASE_URL is unset; PostgreSQL (psycopg 3) or SQLite from the URL."""
    url = env.str("DATABASE_URL", "").strip()
    if not url:
        (base_dir / "var").mkdir(exist_ok=True)
        return sqlite_config(base_dir / "var" / "issetter.sqlite3")
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://user@host:5432/issetter")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured("DATABASE_URL has a port that is not a number from 1 to 65535") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),  # e.g. ?sslmode=require
            "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
            "CONN_HEALTH_CHECKS": True,
        }
    if parts.scheme == "sqlite" and url.startswith("sqlite:///"):
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////srv/db.sqlite3 is absolute.
        return sqlite_config(base_dir / unquote(url[len("sqlite:///") :]))
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres://, postgresql:// or sqlite://; got scheme {parts.scheme!r}"
    )


def sqlite_config(path: Path) -> dict:
    """SQLite tuned for several processes (web, worker, listener): WAL, a busy timeout, IMMEDIATE writes."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def channel_layers_config(env: Env) -> dict:
    """Redis channel layer when REDIS_URL is set, else the in-process memory layer.

    The pub/sub layer: a fragment is one PUBLISH, and each web process's one subscriber connection hands it
    to its sockets in the office's group. The list-based layer (channels_redis.core) fetched every message
    with four Redis round trips in turn and woke each socket through a lock and two tasks: a web process
    with a thousand live pages fell seconds behind while calls started (bench/live_sockets.py,
    docs/benchmarks.md). Like that layer's, a fragment published while a web process is away from Redis is
    not seen there; each fragment carries the office's whole live block, so the next change makes it good.
    (The list-based layer would also need, with redis-py 8, a socket_timeout above its 5 s BZPOPMIN and more
    than redis-py's 100 connections per pool.)"""
    redis_url = env.str("REDIS_URL", "").strip()
    if redis_url:
        return {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [redis_url], "prefix": env.str("CHANNELS_PREFIX", "issetter")},
            }
        }
    return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def q_cluster_config(env: Env) -> dict:
    """django-q2: Redis broker when REDIS_URL is set, else the ORM broker on the default database."""
    config = {
        "name": env.str("Q_CLUSTER_NAME", "issetter"),
        "workers": env.int("Q_WORKERS", 2, minimum=1),
        "timeout": env.int("Q_TIMEOUT", 600, minimum=1),
        "retry": env.int("Q_RETRY", 660, minimum=2),
        "max_attempts": 1,
        "catch_up": False,
        "label": "Tasks",
    }
    if config["retry"] <= config["timeout"]:
        raise ImproperlyConfigured("Q_RETRY must be greater than Q_TIMEOUT (django-q2 would run tasks twice)")
    redis_url = env.str("REDIS_URL", "").strip()
    if redis_url:
        config["redis"] = redis_url
    else:
        config["orm"] = "default"
        config["poll"] = 0.5
    return config


def cache_config(env: Env) -> dict:
    """Redis when REDIS_URL is set — falling back to process memory while Redis is away, so sign-in (whose
    rate limit is the cache's main user; sessions are in the database) never fails for want of Redis — else
    process memory."""
    redis_url = env.str("REDIS_URL", "").strip()
    if redis_url:
        return {
            "default": {
                "BACKEND": "issetter.cache_fallback.RedisCacheWithFallback",
                "LOCATION": redis_url,
                "KEY_PREFIX": "issetter",
                # A Redis that does not answer costs a request at most this long before the fallback serves it.
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


MULTI_TENANT = frozenset({"organizations", "common", "consumers"})


def microsoft_trusted_emails(env: Env, tenant: str) -> bool | list[str]:
    """Which Microsoft sign-in emails may open an invited account (allauth's `verified_email`).

    Any Entra tenant can claim any address, so with a multi-tenant app only the domains listed in
    MICROSOFT_TRUSTED_EMAIL_DOMAINS are trusted; an app bound to one organisation's tenant trusts its own.
    """
    domains = [domain.lower() for domain in env.list("MICROSOFT_TRUSTED_EMAIL_DOMAINS", [])]
    if domains:
        return domains
    return tenant.lower() not in MULTI_TENANT


def social_providers_config(env: Env) -> dict:
    """allauth providers that have a client id and secret configured; the others stay invisible."""
    providers: dict = {}
    tenant = env.str("MICROSOFT_TENANT", "organizations").strip()
    ms_id, ms_secret = env.str("MICROSOFT_CLIENT_ID").strip(), env.str("MICROSOFT_CLIENT_SECRET").strip()
    if ms_id or ms_secret:
        if not (ms_id and ms_secret):
            raise ImproperlyConfigured("Set both MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET, or neither")
        providers["microsoft"] = {
            "SCOPE": ["openid", "User.Read"],  # openid: an ID token, whose `tid` names the account's directory
            "APPS": [
                {
                    "client_id": ms_id,
                    "secret": ms_secret,
                    "settings": {
                        "tenant": tenant,
                        "verified_email": microsoft_trusted_emails(env, tenant),
                        "login_url": env.str("MICROSOFT_AUTHORITY_HOST", "https://login.microsoftonline.com"),
                        "graph_url": env.str("MICROSOFT_GRAPH_HOST", "https://graph.microsoft.com"),
                    },
                }
            ],
        }
    g_id, g_secret = env.str("GOOGLE_CLIENT_ID").strip(), env.str("GOOGLE_CLIENT_SECRET").strip()
    if g_id or g_secret:
        if not (g_id and g_secret):
            raise ImproperlyConfigured("Set both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, or neither")
        providers["google"] = {
            "SCOPE": ["profile", "email"],
            "AUTH_PARAMS": {"access_type": "online"},
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{"client_id": g_id, "secret": g_secret}],
        }
    return providers


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
HSTS_SECONDS = 365 * 24 * 3600


def https_config(env: Env, *, debug: bool, allowed_hosts: list[str]) -> dict:
    """HTTPS by default: outside DEBUG plain HTTP is redirected to HTTPS, browsers are told to keep to HTTPS
    (HSTS, a year) and cookies travel only over HTTPS. PLAIN_HTTP=true serves plain HTTP instead, for use on
    this machine only; it is the default with DEBUG, and when ALLOWED_HOSTS names nothing but this machine
    (as under `make run`), where there is no certificate to serve. BEHIND_TLS_PROXY=true trusts the proxy's
    X-Forwarded-Proto header, so requests it received over HTTPS count as secure."""
    plain = env.bool("PLAIN_HTTP", debug or set(allowed_hosts) <= LOOPBACK_HOSTS)
    secure = not plain
    return {
        "SECURE_SSL_REDIRECT": secure,
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_SECURE": secure,
        "SECURE_HSTS_SECONDS": env.int("SECURE_HSTS_SECONDS", HSTS_SECONDS if secure else 0, minimum=0),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True),
        "SECURE_HSTS_PRELOAD": env.bool("SECURE_HSTS_PRELOAD", False),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", False) else None,
    }


DEFAULT_ESL_PASSWORD = "ClueCon"  # noqa: S105  (FreeSWITCH's documented default, known to everyone)


def esl_password(env: Env, *, debug: bool) -> str:
    """The switch's Event Socket password: anyone who reaches the socket with it can place calls, so outside
    DEBUG FreeSWITCH's well-known default (or none) is refused."""
    password = env.str("FREESWITCH_ESL_PASSWORD", DEFAULT_ESL_PASSWORD)
    if not debug and password in ("", DEFAULT_ESL_PASSWORD):
        raise ImproperlyConfigured(
            "FREESWITCH_ESL_PASSWORD must be set to a long random password (the same on the switch): "
            f"FreeSWITCH's default {DEFAULT_ESL_PASSWORD!r} is known to everyone and is only for DEBUG=true"
        )
    return password
