"""The audio fork's protocol, as our two sides speak it: the telephony listener (and its "prepare" visit)
and the agent. One definition of every word on the wire, so the two cannot drift apart.

The switch's module (mod_audio_fork, subprotocol `audio.drachtio.org`) connects to the agent for every
answered call and sends one text frame first: the opening, naming the call and carrying its secret
(calls/fork_secret.py). Then the callee's audio as binary L16 frames, and text messages:

- to the agent (`ToAgent`): the callee's words in Phonify's text mode {"type": "phonify.speech", "text": …};
  the listener's word that the switch heard a voicemail beep {"type": "machine.beep"}, or a key the callee
  pressed {"type": "dtmf", "digit": …}; and the switch's answer to each mark {"type": "mark", "data":
  {"name": …, "event": "playout" | "cleared"}};
- to the switch (`ToSwitch`): {"type": …, "data": {…}} — `playAudio`, `killAudio`, `mark` (its `text`, the
  words the audio before it says, is ours: a switch ignores it, a simulated callee understands it),
  `transfer` and `disconnect` (with the reason "goodbye" when the agent hangs up).

The switch reports the fork's life as CUSTOM events (`ForkEvent`). Phonify, the simulated switch, keeps its
own definition (it imports nothing of ours, as a real switch would not); tests/phonify/test_fork_protocol.py
checks that the two agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from calls.fork_secret import fork_secret_for, fork_secret_matches

SUBPROTOCOL = "audio.drachtio.org"
KEYS = frozenset("0123456789*#")  # a telephone's keys: nothing else is passed on as a key
GOODBYE = "goodbye"  # the reason in the agent's `disconnect` when it hangs up (anything else: it was lost)


class ToAgent(StrEnum):
    SPEECH = "phonify.speech"
    BEEP = "machine.beep"
    KEY = "dtmf"
    MARK = "mark"


class ToSwitch(StrEnum):
    PLAY_AUDIO = "playAudio"
    KILL_AUDIO = "killAudio"
    MARK = "mark"
    TRANSFER = "transfer"
    DISCONNECT = "disconnect"


class MarkEvent(StrEnum):
    PLAYOUT = "playout"  # the audio before the mark has played
    CLEARED = "cleared"  # it was dropped (killAudio) before it played


class ForkEvent(StrEnum):
    """The switch's CUSTOM events about a fork (their Event-Subclass)."""

    CONNECT = "mod_audio_fork::connect"
    CONNECT_FAILED = "mod_audio_fork::connect_failed"
    DISCONNECT = "mod_audio_fork::disconnect"  # its body: the data of the agent's `disconnect`, if it sent one
    TRANSFER = "mod_audio_fork::transfer"  # its body: the data of the agent's `transfer`


@dataclass(frozen=True)
class ForkOpening:
    """The first text frame on a fork: the call it speaks for, with that call's secret. A `prepare` opening is
    a short visit before the fork ("this call is ringing: make its greeting now") and closes after it."""

    call: str
    secret: str = field(repr=False)
    prepare: bool = False
    office: int | None = None
    customer: int | None = None

    @classmethod
    def for_call(cls, call, prepare: bool = False) -> ForkOpening:
        """The opening for one of our calls, with its secret."""
        uuid = str(call.uuid)
        if prepare:
            return cls(call=uuid, secret=fork_secret_for(call_uuid=uuid), prepare=True)
        return cls(call=uuid, secret=fork_secret_for(call_uuid=uuid), office=call.office_id, customer=call.customer_id)

    def encode(self) -> str:
        if self.prepare:
            return _compact({"prepare": self.call, "secret": self.secret})
        return _compact({"call": self.call, "office": self.office, "customer": self.customer, "secret": self.secret})

    @classmethod
    def decode(cls, text: str | bytes) -> ForkOpening | None:
        """The opening a frame carries, or None when it is not one (not JSON, not an object, no call)."""
        message = _object(text)
        if message is None:
            return None
        secret = message.get("secret")
        secret = secret if isinstance(secret, str) else ""
        if message.get("prepare"):
            return cls(call=str(message["prepare"]), secret=secret, prepare=True)
        if not message.get("call"):
            return None
        return cls(
            call=str(message["call"]), secret=secret, office=message.get("office"), customer=message.get("customer")
        )

    def trusted(self) -> bool:
        """It carries its call's secret (constant time: a wrong one says nothing of the right one)."""
        return fork_secret_matches(call_uuid=self.call, secret=self.secret)

    def for_log(self) -> str:
        """The call it claimed, for a log line (never its secret)."""
        return self.call[:40]


@dataclass(frozen=True)
class Message:
    """A text message on the fork: its type, its `data` object, and its other top-level fields."""

    kind: str
    data: dict
    fields: dict

    @classmethod
    def decode(cls, text: str | bytes) -> Message | None:
        message = _object(text)
        if message is None:
            return None
        data = message.get("data")
        fields = {key: value for key, value in message.items() if key not in ("type", "data")}
        return cls(kind=str(message.get("type", "")), data=data if isinstance(data, dict) else {}, fields=fields)


def to_switch(kind: ToSwitch, **data) -> str:
    """A message the agent sends the switch, its fields in `data` (none for killAudio)."""
    return _compact({"type": kind.value, "data": data} if data else {"type": kind.value})


def to_agent(kind: ToAgent, **fields) -> str:
    """A message sent to the agent: the listener's beep and keys (and Phonify's words, in its own copy)."""
    return _compact({"type": kind.value, **fields})


def _compact(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"))


def _object(text: str | bytes) -> dict | None:
    try:
        message = json.loads(text)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None
