"""Is an answering machine talking? A layered verdict on the first thing heard after answer (practice from
notes/audio-streaming.md §7): a person's "Hello?" is short; a machine's greeting is long and says what
machines say. Only strong phrases count: "he's not available right now" is a person answering for
someone, and "Hi, I'm not available, who is this?" is a busy person who did pick up."""

from __future__ import annotations

LONG_GREETING = 4.5  # seconds of speech in one breath: only a recording talks this long unprompted
STRONG = (
    "leave a message",
    "leave your message",
    "after the tone",
    "after the beep",
    "at the tone",
    "you've reached",
    "you have reached",
    "can't take your call",
    "cannot take your call",
    "can't come to the phone",
    "mailbox",
    "voicemail",
    "record your message",
    "not available please leave",
)
WEAK = ("not available", "unavailable", "is not in service", "please leave")
PHRASES = STRONG + WEAK


def machine_verdict(*, voiced_seconds: float, spotted: set[str]) -> bool:
    if any(phrase in STRONG for phrase in spotted):
        return True
    return voiced_seconds >= LONG_GREETING
