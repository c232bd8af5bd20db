"""The words of mod_audio_fork's protocol as Phonify, the switch, speaks them (notes/audio-streaming.md).

Phonify imports nothing of ours, as a real switch would not, so the agent's side has its own definition
(calls/telephony/fork_protocol.py); tests/phonify/test_fork_protocol.py checks that the two agree.
"""

from __future__ import annotations

from enum import StrEnum

SUBPROTOCOL = "audio.drachtio.org"
EVENT_PREFIX = "mod_audio_fork::"  # the CUSTOM events' subclass: mod_audio_fork::connect, ::disconnect, …
KEYS = "0123456789*#"  # a telephone's keys
SPEECH = "phonify.speech"  # text mode: the callee's words, {"type": SPEECH, "text": …}, instead of audio


class FromAgent(StrEnum):
    """What the agent may send (jambonz's commands, and `mark` with our `text` beside its name)."""

    PLAY_AUDIO = "playAudio"
    KILL_AUDIO = "killAudio"
    MARK = "mark"
    CLEAR_MARKS = "clearMarks"
    TRANSFER = "transfer"
    DISCONNECT = "disconnect"
    TRANSCRIPTION = "transcription"
    ERROR = "error"
    JSON = "json"


class MarkReply(StrEnum):
    PLAYOUT = "playout"
    CLEARED = "cleared"


class ForkEvent(StrEnum):
    """The events the module fires, without EVENT_PREFIX."""

    CONNECT = "connect"
    CONNECT_FAILED = "connect_failed"
    DISCONNECT = "disconnect"
    TRANSFER = "transfer"
    TRANSCRIPTION = "transcription"
    ERROR = "error"
    JSON = "json"
    PLAY_AUDIO = "play_audio"
    KILL_AUDIO = "kill_audio"
