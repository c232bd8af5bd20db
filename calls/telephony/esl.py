"""Telephony over FreeSWITCH's Event Socket (a real switch or Phonify): originate with bgapi, ask whether
a channel exists, hang up, fork audio to the agent. One short-lived connection per user of it."""

from __future__ import annotations

import re

from calls.telephony import OriginateRequest
from calls.telephony.event_socket import EventSocket, SwitchUnavailableError, event_socket_open

_UNSAFE_IN_VALUE = re.compile(r"[,'{}\[\]\s]")


def variable_value(value: str) -> str:
    """A channel-variable value as originate's {…} prefix needs it: single-quoted when it holds spaces
    or commas (FreeSWITCH's rule); quotes inside are dropped rather than escaped."""
    value = str(value).replace("'", "")
    return f"'{value}'" if _UNSAFE_IN_VALUE.search(value) else value


class EslTelephony:
    def __init__(self, socket: EventSocket, gateway: str) -> None:
        self.socket, self.gateway = socket, gateway

    @classmethod
    def open(cls, *, host: str, port: int, password: str, gateway: str) -> EslTelephony:
        return cls(event_socket_open(host, port, password), gateway)

    def __enter__(self) -> EslTelephony:
        return self

    def __exit__(self, *problem) -> None:
        self.close()

    def close(self) -> None:
        self.socket.close_quietly()

    def originate(self, request: OriginateRequest) -> str:
        """Start dialing; returns the Job-UUID (the call's uuid) whose BACKGROUND_JOB carries the result."""
        variables = {
            "origination_uuid": request.call_uuid,
            "origination_caller_id_number": request.caller_id_number,
            "origination_caller_id_name": request.caller_id_name,
            "originate_timeout": str(request.ring_seconds),
            "ignore_early_media": "true",  # ringback is not an answer
            "execute_on_answer": "avmd_start",  # beep detection from the first moment of the answer
            **request.variables,
        }
        prefix = ",".join(f"{name}={variable_value(value)}" for name, value in variables.items())
        dial = f"sofia/gateway/{self.gateway}/{request.number}"
        # The job is named after the call, so its BACKGROUND_JOB finds the call even if it comes first.
        reply = self.socket.command(f"bgapi originate {{{prefix}}}{dial} &park()\nJob-UUID: {request.call_uuid}")
        if not reply.data.startswith("+OK"):
            raise SwitchUnavailableError(f"originate refused: {reply.data.strip()}")
        return reply.headers.get("Job-UUID", request.call_uuid)

    def exists(self, call_uuid: str) -> bool:
        return self.socket.command(f"api uuid_exists {call_uuid}").data.strip() == "true"

    def hangup(self, call_uuid: str, cause: str = "NORMAL_CLEARING") -> bool:
        return self.socket.command(f"api uuid_kill {call_uuid} {cause}").data.startswith("+OK")

    def transfer(self, call_uuid: str, number: str) -> None:
        """Send the callee on to a person: the number as the destination in the default dialplan, which
        bridges it out through the gateway (FreeSWITCH's `uuid_transfer <uuid> <dest> XML default`)."""
        self.socket.command(f"bgapi uuid_transfer {call_uuid} {number} XML default")

    def audio_fork_start(self, call_uuid: str, url: str, metadata: str) -> None:
        """The callee's audio to the agent at 16 kHz, and the agent's audio streamed back and played by the
        module (jambonz's bidirectional flags: enabled, streaming, at 16 kHz)."""
        self.socket.command(f"bgapi uuid_audio_fork {call_uuid} start {url} mono 16k agent {metadata} true true 16000")

    def audio_fork_send_text(self, call_uuid: str, text: str) -> None:
        """A text frame to the agent over the call's fork (mod_audio_fork's `send_text`)."""
        self.socket.command(f"bgapi uuid_audio_fork {call_uuid} send_text {text}")
