"""The secret that lets an audio fork speak for one call.

Whoever knows a call's uuid could otherwise connect to the agent and talk as that call's customer (a
client once added turns to another office's ended call and put its customer on the do-not-call list).
The listener puts the call's secret in the fork's metadata (and in its "prepare" visit); the agent accepts
a fork only with it. The secret is derived from SECRET_KEY and the call's uuid (HMAC), so nothing is
stored, every fork of the same call (a reconnect) carries the same one, and no other call's opens with it.
"""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "calls.fork_secret"


def fork_secret_for(*, call_uuid: str) -> str:
    return salted_hmac(_SALT, str(call_uuid), algorithm="sha256").hexdigest()


def fork_secret_matches(*, call_uuid: str, secret: object) -> bool:
    """Constant-time: a wrong secret says nothing about the right one."""
    return isinstance(secret, str) and constant_time_compare(fork_secret_for(call_uuid=call_uuid), secret)
