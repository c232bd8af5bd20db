"""Calendar tokens are encrypted at rest; a lost key is a clear error, not a silent empty token."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from calendars.models import CalendarAccount
from issetter.encrypted_fields import TokenDecryptionError

TOKEN = '{"RefreshToken": {"secret": "0.AAAA-refresh-token-value"}}'


@pytest.fixture
def account(office, colleague):
    return CalendarAccount.objects.create(office=office, user=colleague, provider="microsoft", token_data=TOKEN)


def stored_value(account) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_data FROM calendars_calendaraccount WHERE id = %s", [account.pk])
        return cursor.fetchone()[0]


def test_it_stores_ciphertext_and_reads_back_the_token(account):
    raw = stored_value(account)
    assert "refresh-token-value" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token
    assert CalendarAccount.objects.get(pk=account.pk).token_data == TOKEN


def test_it_decrypts_with_an_older_key_after_rotation(account, settings):
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.TOKEN_ENCRYPTION_KEYS]
    assert CalendarAccount.objects.get(pk=account.pk).token_data == TOKEN


def test_it_says_the_key_is_wrong_instead_of_returning_garbage(account):
    with override_settings(TOKEN_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        with pytest.raises(TokenDecryptionError):
            CalendarAccount.objects.get(pk=account.pk)


def test_it_fails_at_use_when_no_key_is_configured(office, colleague):
    with override_settings(TOKEN_ENCRYPTION_KEYS=[]):
        with pytest.raises(ImproperlyConfigured, match="TOKEN_ENCRYPTION_KEYS is not set"):
            CalendarAccount.objects.create(office=office, user=colleague, provider="google", token_data="rt")
