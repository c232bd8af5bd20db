from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from issetter import config
from issetter.env import Env

BASE = Path("/srv/issetter")


def test_it_defaults_to_sqlite_under_var(tmp_path):
    database = config.database_config(Env({}), base_dir=tmp_path)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "var" / "issetter.sqlite3")
    assert (tmp_path / "var").is_dir()
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_it_switches_to_postgresql_from_database_url():
    url = "postgres://app:p%40ss@db.internal:5433/issetter"
    database = config.database_config(Env({"DATABASE_URL": url}), base_dir=BASE)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == ("issetter", "app", "p@ss")
    assert (database["HOST"], database["PORT"]) == ("db.internal", "5433")


def test_it_reads_sqlite_urls_relative_and_absolute():
    relative = config.database_config(Env({"DATABASE_URL": "sqlite:///var/x.sqlite3"}), base_dir=BASE)
    absolute = config.database_config(Env({"DATABASE_URL": "sqlite:////data/x.sqlite3"}), base_dir=BASE)
    assert relative["NAME"] == "/srv/issetter/var/x.sqlite3"
    assert absolute["NAME"] == "/data/x.sqlite3"


@pytest.mark.parametrize("url", ["mysql://root@localhost/app", "postgres://localhost:5432/"])
def test_it_refuses_database_urls_it_cannot_use(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        config.database_config(Env({"DATABASE_URL": url}), base_dir=BASE)


def test_it_uses_the_memory_channel_layer_without_redis():
    layers = config.channel_layers_config(Env({}))
    assert layers["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"


def test_it_uses_the_redis_channel_layer_with_redis():
    layers = config.channel_layers_config(Env({"REDIS_URL": "redis://127.0.0.1:6379/0"}))
    assert layers["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layers["default"]["CONFIG"]["hosts"] == ["redis://127.0.0.1:6379/0"]


def test_it_uses_the_orm_broker_without_redis():
    cluster = config.q_cluster_config(Env({}))
    assert cluster["orm"] == "default"
    assert "redis" not in cluster


def test_it_uses_the_redis_broker_with_redis():
    cluster = config.q_cluster_config(Env({"REDIS_URL": "redis://127.0.0.1:6379/0"}))
    assert cluster["redis"] == "redis://127.0.0.1:6379/0"
    assert "orm" not in cluster


def test_it_refuses_a_retry_shorter_than_the_task_timeout():
    with pytest.raises(ImproperlyConfigured, match="Q_RETRY must be greater than Q_TIMEOUT"):
        config.q_cluster_config(Env({"Q_TIMEOUT": "600", "Q_RETRY": "300"}))


def test_it_offers_no_social_sign_in_unless_configured():
    assert config.social_providers_config(Env({})) == {}


def test_it_configures_microsoft_with_the_tenant():
    providers = config.social_providers_config(
        Env({"MICROSOFT_CLIENT_ID": "id", "MICROSOFT_CLIENT_SECRET": "secret", "MICROSOFT_TENANT": "contoso"})
    )
    assert list(providers) == ["microsoft"]
    app = providers["microsoft"]["APPS"][0]
    assert (app["client_id"], app["secret"], app["settings"]["tenant"]) == ("id", "secret", "contoso")


def test_it_configures_google_with_pkce():
    providers = config.social_providers_config(Env({"GOOGLE_CLIENT_ID": "id", "GOOGLE_CLIENT_SECRET": "s"}))
    assert list(providers) == ["google"]
    assert providers["google"]["OAUTH_PKCE_ENABLED"] is True


def test_it_refuses_half_a_provider():
    with pytest.raises(ImproperlyConfigured, match="MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET"):
        config.social_providers_config(Env({"MICROSOFT_CLIENT_ID": "id"}))


def test_it_trusts_microsoft_emails_of_a_single_organisation_tenant():
    env = Env(
        {"MICROSOFT_CLIENT_ID": "id", "MICROSOFT_CLIENT_SECRET": "s", "MICROSOFT_TENANT": "contoso.onmicrosoft.com"}
    )
    assert config.social_providers_config(env)["microsoft"]["APPS"][0]["settings"]["verified_email"] is True


def test_it_trusts_no_microsoft_email_from_a_multi_tenant_app_unless_domains_are_listed():
    base = {"MICROSOFT_CLIENT_ID": "id", "MICROSOFT_CLIENT_SECRET": "s", "MICROSOFT_TENANT": "organizations"}
    untrusted = config.social_providers_config(Env(base))["microsoft"]["APPS"][0]["settings"]["verified_email"]
    listed = config.social_providers_config(Env({**base, "MICROSOFT_TRUSTED_EMAIL_DOMAINS": "North.example"}))
    assert untrusted is False
    assert listed["microsoft"]["APPS"][0]["settings"]["verified_email"] == ["north.example"]


def test_it_passes_postgresql_options_from_the_url():
    database = config.database_config(
        Env({"DATABASE_URL": "postgres://app@db/issetter?sslmode=require"}), base_dir=BASE
    )
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_it_names_database_url_when_the_port_is_wrong():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL has a port"):
        config.database_config(Env({"DATABASE_URL": "postgres://app@db:99999/issetter"}), base_dir=BASE)
