"""A text field stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) for OAuth tokens at rest.

Keys come from TOKEN_ENCRYPTION_KEYS (comma-separated; the first encrypts, every key decrypts, so
keys can be rotated). Missing keys fail when a token is read or written, never at import.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class TokenDecryptionError(Exception):
    """The stored value cannot be decrypted with any configured key (lost or rotated-out key)."""


def token_cipher() -> MultiFernet:
    keys = getattr(settings, "TOKEN_ENCRYPTION_KEYS", [])
    if not keys:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS is not set: generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS holds a key that is not 32 url-safe base64 bytes") from None


class EncryptedTextField(models.TextField):
    """Plain text in Python, ciphertext in the database. Empty stays empty (nothing to protect)."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return token_cipher().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return token_cipher().decrypt(value.encode()).decode()
        except InvalidToken:
            raise TokenDecryptionError("stored token cannot be decrypted with TOKEN_ENCRYPTION_KEYS") from None
