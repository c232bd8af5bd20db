"""Telephony over FreeSWITCH's Event Socket (a real switch or Phonify): originate with bgapi, ask whether
a channel exists or what it holds, hang up, fork audio to the agent. One short-lived connection per user of it.

Every value on a command line goes through `calls.telephony.esl_values` (control characters removed, escaped
for the way FreeSWITCH splits it); the socket refuses a command that is not one line plus headers."""

from __future__ import annotations

from collections.abc import Callable

from calls.telephony.esl_values import channel_variables, command_argument
from calls.telephony.event_socket import EventSocket, SwitchUnavailableError, event_socket_open, plain_headers
from calls.telephony.originate import OriginateRequest

ANSWERED = "answered"  # a channel's Answer-State once someone picked up (ringing | early | answered | hangup)


class EslTelephony:
    def __init__(self, socket: EventSocket, gateway: str, reopen: Callable[[], EventSocket] | None = None) -> None:
        self.socket, self.gateway, self._reopen = socket, gateway, reopen

    @classmethod
    def open(cls, *, host: str, port: int, password: str, gateway: str) -> EslTelephony:
        """A connection of its own, opened again when the switch closed it (a switch restart mid-run)."""

        def connect() -> EventSocket:
            return event_socket_open(host, port, password)

        return cls(connect(), gateway, reopen=connect)

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
        dial = command_argument(f"sofia/gateway/{self.gateway}/{request.number}")
        job = command_argument(request.call_uuid)
        # The job is named after the call, so its BACKGROUND_JOB finds the call even if it comes first.
        command = f"bgapi originate {channel_variables(variables)}{dial} &park()\nJob-UUID: {job}"
        try:
            reply = self.socket.command(command)
        except SwitchUnavailableError:
            if self._reopen is None or self.socket.connected:
                raise  # a live link that did not answer in time: whether the switch took the call is unknown
            # The switch closed this link (it restarted, or dropped a link that sat idle): on a new one, the call
            # is sent again only if the switch had not taken it, so nobody is dialed twice.
            self.socket.close_quietly()
            self.socket = self._reopen()
            if self.exists(request.call_uuid):
                return request.call_uuid
            reply = self.socket.command(command)
        if not reply.data.startswith("+OK"):
            raise SwitchUnavailableError(f"originate refused: {reply.data.strip()}")
        return reply.headers.get("Job-UUID", request.call_uuid)

    def core_uuid(self) -> str:
        """The switch's identity, new at each start (FreeSWITCH's global `core_uuid`; every event carries it as
        `Core-UUID`): '' when the switch does not say."""
        reply = self.socket.command("api global_getvar core_uuid").data.strip()
        return "" if reply.startswith("-") else reply

    def exists(self, call_uuid: str) -> bool:
        return self.socket.command(f"api uuid_exists {command_argument(call_uuid)}").data.strip() == "true"

    def channel_dump(self, call_uuid: str) -> dict[str, str]:
        """The channel's headers as its events carry them (`Answer-State`, `Unique-ID`, `variable_*` …), from
        FreeSWITCH's `uuid_dump` (a CHANNEL_DATA event, serialised); {} when the switch has no such channel."""
        reply = self.socket.command(f"api uuid_dump {command_argument(call_uuid)}").data
        return {} if reply.startswith("-") else plain_headers(reply)

    def hangup(self, call_uuid: str, cause: str = "NORMAL_CLEARING") -> bool:
        command = f"api uuid_kill {command_argument(call_uuid)} {command_argument(cause)}"
        return self.socket.command(command).data.startswith("+OK")

    def transfer(self, call_uuid: str, number: str) -> None:
        """Send the callee on to a person: the number as the destination in the default dialplan, which
        bridges it out through the gateway (FreeSWITCH's `uuid_transfer <uuid> <dest> XML default`)."""
        self.socket.command(f"bgapi uuid_transfer {command_argument(call_uuid)} {command_argument(number)} XML default")

    def audio_fork_start(self, call_uuid: str, url: str, metadata: str) -> None:
        """The callee's audio to the agent at 16 kHz, and the agent's audio streamed back and played by the
        module (jambonz's bidirectional flags: enabled, streaming, at 16 kHz)."""
        uuid, url, metadata = (command_argument(word) for word in (call_uuid, url, metadata))
        self.socket.command(f"bgapi uuid_audio_fork {uuid} start {url} mono 16k agent {metadata} true true 16000")

    def audio_fork_send_text(self, call_uuid: str, text: str) -> None:
        """A text frame to the agent over the call's fork (mod_audio_fork's `send_text`)."""
        self.socket.command(f"bgapi uuid_audio_fork {command_argument(call_uuid)} send_text {command_argument(text)}")
