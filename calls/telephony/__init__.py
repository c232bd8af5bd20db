"""The telephony adapter: what the dialer and the event listener ask of a switch, whichever it is.

`TELEPHONY=freeswitch` and `TELEPHONY=phonify` both speak FreeSWITCH's Event Socket over TCP with
greenswitch (`calls.telephony.esl`); they differ only in where the switch is and how it is started.
`telephony_open()` connects to the configured one.
"""

from __future__ import annotations

from django.conf import settings

from calls.telephony.event_socket import SwitchUnavailableError
from calls.telephony.originate import OriginateRequest

__all__ = ["OriginateRequest", "SwitchUnavailableError", "telephony_open"]


def telephony_open():
    """A connected adapter for the configured switch (close it when done, or use `with`)."""
    from calls.telephony.esl import EslTelephony

    return EslTelephony.open(
        host=settings.FREESWITCH_ESL_HOST,
        port=settings.FREESWITCH_ESL_PORT,
        password=settings.FREESWITCH_ESL_PASSWORD,
        gateway=settings.FREESWITCH_GATEWAY,
    )
