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


TEST_ONLY = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "PLAIN_HTTP", "FREESWITCH_ESL_PASSWORD")
HTTPS_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in ('SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
    "'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER')}))"
)


def load_settings(probe: str = PROBE, **variables: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env = {
        **clean,
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "issetter.settings",
        "FREESWITCH_ESL_PASSWORD": "a-long-random-esl-password",
        **variables,
    }
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)


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
    assert loaded["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
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
    # the address first (one no office knows: every way installed is offered), then the ways in
    "print(Client().post('/accounts/login/', {'login': 'new.person@example.com'}, HTTP_HOST='127.0.0.1')"
    ".content.decode())"
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


PRODUCTION = {
    "SECRET_KEY": "x7Jq-2vLw9pRk4sT8mYb3nZc6dHf1gQe5uAo0iWx_KjN2rVt9Lp",
    "ALLOWED_HOSTS": "setter.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://setter.example.com",
    "TOKEN_ENCRYPTION_KEYS": "dGVzdHMtb25seS1rZXktMzItYnl0ZXMtbG9uZy4uLi4=",
    "FREESWITCH_ESL_PASSWORD": "a-long-random-esl-password",
}


def check_deploy(tmp_path, **variables: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` in a clean environment: nothing of this machine's or the tests' settings."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "issetter.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **variables,
    }
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_finds_nothing_to_warn_about_in_production(tmp_path):
    result = check_deploy(tmp_path, DEBUG="false", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "security.W" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_finds_nothing_to_warn_about_behind_a_tls_proxy(tmp_path):
    result = check_deploy(tmp_path, DEBUG="false", BEHIND_TLS_PROXY="true", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "security.W" not in result.stdout + result.stderr


def test_check_deploy_still_warns_when_plain_http_is_chosen_for_a_real_host(tmp_path):
    result = check_deploy(tmp_path, DEBUG="false", PLAIN_HTTP="true", **PRODUCTION)
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr  # redirect, session cookie


def test_it_serves_https_only_outside_debug_for_a_real_host():
    production = json.loads(load_settings(HTTPS_PROBE, SECRET_KEY="k", ALLOWED_HOSTS="setter.example.com").stdout)
    assert production == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    proxied = json.loads(
        load_settings(HTTPS_PROBE, SECRET_KEY="k", ALLOWED_HOSTS="setter.example.com", BEHIND_TLS_PROXY="on").stdout
    )
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "variables",
    [
        {},  # `make run`: DEBUG=false, ALLOWED_HOSTS=127.0.0.1,localhost
        {"DEBUG": "true"},
        {"ALLOWED_HOSTS": "setter.example.com", "PLAIN_HTTP": "true"},
    ],
)
def test_it_serves_plain_http_on_this_machine(variables):
    result = load_settings(HTTPS_PROBE, SECRET_KEY="k", **variables)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert not (loaded["SECURE_SSL_REDIRECT"] or loaded["SESSION_COOKIE_SECURE"] or loaded["CSRF_COOKIE_SECURE"])
    assert loaded["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.parametrize("password", ["ClueCon", ""])
def test_it_refuses_the_default_esl_password_outside_debug(password):
    result = load_settings(SECRET_KEY="k", FREESWITCH_ESL_PASSWORD=password)
    assert result.returncode != 0
    assert "FREESWITCH_ESL_PASSWORD must be set to a long random password" in result.stderr
    assert load_settings(DEBUG="true", FREESWITCH_ESL_PASSWORD=password).returncode == 0


@pytest.mark.django_db(transaction=True)
def test_make_runs_env_file_serves_plain_http_on_127_0_0_1(tmp_path):
    env_file = tmp_path / ".env"
    subprocess.run([sys.executable, "scripts/write_env_file.py", str(env_file)], cwd=ROOT, check=True)
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    env = {**clean, "ENV_FILE": str(env_file), "DJANGO_SETTINGS_MODULE": "issetter.settings"}
    env["DATABASE_URL"] = shared_database_url()
    probe = (
        "import django; django.setup(); from django.test import Client; "
        "response = Client().get('/accounts/login/', HTTP_HOST='127.0.0.1:8000'); "
        "print(response.status_code, response.get('Location', ''))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200"]  # no redirect to https://
