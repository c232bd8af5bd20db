"""The settings module as a process sees it: environment in, Django settings out (or a clear error)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import shared_database_url

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'debug': settings.DEBUG, 'db': settings.DATABASES['default']['ENGINE'], "
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], 'q': sorted(settings.Q_CLUSTER), "
    "'apps': settings.INSTALLED_APPS, 'telephony': settings.TELEPHONY}))"
)


def load_settings(**variables: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG")}
    env = {**clean, "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "issetter.settings", **variables}
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True)


def test_it_starts_with_embedded_defaults():
    result = load_settings(SECRET_KEY="k")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["debug"] is False
    assert loaded["db"] == "django.db.backends.sqlite3"
    assert loaded["layer"] == "channels.layers.InMemoryChannelLayer"
    assert "orm" in loaded["q"]
    assert loaded["telephony"] == "phonify"


def test_it_switches_to_postgresql_and_redis():
    result = load_settings(
        SECRET_KEY="k",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/issetter",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["db"] == "django.db.backends.postgresql"
    assert loaded["layer"] == "channels_redis.core.RedisChannelLayer"
    assert "redis" in loaded["q"]


def test_it_stops_on_a_typo_in_debug():
    result = load_settings(SECRET_KEY="k", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG must be one of true/false" in result.stderr


def test_it_demands_a_secret_key_outside_debug():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_installs_a_sign_in_provider_only_when_configured():
    without = json.loads(load_settings(SECRET_KEY="k").stdout)
    with_ms = json.loads(load_settings(SECRET_KEY="k", MICROSOFT_CLIENT_ID="id", MICROSOFT_CLIENT_SECRET="s").stdout)
    assert "allauth.socialaccount.providers.microsoft" not in without["apps"]
    assert "allauth.socialaccount.providers.microsoft" in with_ms["apps"]
    assert "allauth.socialaccount.providers.google" not in with_ms["apps"]


LOGIN_PAGE_PROBE = (
    "import django; django.setup(); from django.test import Client; "
    "print(Client().get('/accounts/login/', HTTP_HOST='127.0.0.1').content.decode())"
)


def login_page(**variables: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env = {**clean, "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "issetter.settings", "SECRET_KEY": "k", **variables}
    env["DATABASE_URL"] = shared_database_url()  # the migrated test database
    result = subprocess.run([sys.executable, "-c", LOGIN_PAGE_PROBE], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_it_shows_sign_in_buttons_only_for_configured_providers():
    plain = login_page()
    both = login_page(
        MICROSOFT_CLIENT_ID="id", MICROSOFT_CLIENT_SECRET="s", GOOGLE_CLIENT_ID="gid", GOOGLE_CLIENT_SECRET="gs"
    )
    assert "Sign in with" not in plain
    assert "Sign in with Microsoft" in both
    assert "Sign in with Google" in both


def test_it_refuses_open_signup_without_email_verification():
    result = load_settings(SECRET_KEY="k", SIGNUP_OPEN="true")
    assert result.returncode != 0
    assert "SIGNUP_OPEN=true needs ACCOUNT_EMAIL_VERIFICATION=mandatory" in result.stderr
