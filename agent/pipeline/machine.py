"""Is an answering machine talking? A layered verdict on the first thing heard after answer (practice from
notes/audio-streaming.md §7): a person's "Hello?" is short; a machine's greeting is long and says what
machines say. Only strong phrases count: "he's not available right now" is a person answering for
someone, and "Hi, I'm not available, who is this?" is a busy person who did pick up."""

from __future__ import annotations

LONG_GREETING = 4.5  # seconds of speech in one breath: only a recording talks this long unprompted
UNSURE_AFTER = 2.5  # seconds of first words after which a person is less likely than a machine's greeting
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


def answer_may_be_a_machine(*, spotted: set[str], voiced_seconds: float) -> bool:
    """Words after the agent's "Is this …?" that answer nothing: perhaps a machine's greeting going on (the
    agent listens a second more before asking again) if a machine's phrase was heard, or if this answer
    alone is long. A machine that went on over the greeting is caught as a barge-in; the hello before the
    answer does not count ("Hello?" then a misheard "Oh, you have the wrong number" pass 2.5 s together)."""
    return bool(spotted) or voiced_seconds > UNSURE_AFTER


class FirstWords:
    """What the first words of a call have said about a machine so far, added up over its utterances (a
    machine's greeting pauses between sentences), and whether the call is still young enough to ask."""

    LISTENING = 15.0  # seconds after answer during which what is heard is also checked for a machine

    def __init__(self, began: float) -> None:
        self.began = began  # time.monotonic() at answer
        self.voiced = 0.0
        self.spotted: set[str] = set()
        self.machine = False  # decided: a machine answered (its greeting, a beep)
        self.cut_short: float | None = None  # where the greeting a beep cut short began (kept as a turn once)

    def add(self, *, voiced_seconds: float = 0.0, spotted: set[str] | frozenset[str] = frozenset()) -> bool:
        """Add an utterance's evidence; true when it now says "a machine"."""
        self.voiced += voiced_seconds
        self.spotted |= set(spotted)
        return self.says_machine()

    def says_machine(self) -> bool:
        return machine_verdict(voiced_seconds=self.voiced, spotted=self.spotted)

    def unsure(self) -> bool:
        """Not a machine's verdict, but not a plain hello either: listen a moment more before answering."""
        return bool(self.spotted) or self.voiced > UNSURE_AFTER

    def young(self, now: float) -> bool:
        return now - self.began < self.LISTENING
