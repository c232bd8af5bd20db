"""What a dialogue policy works with: the script's words for the call (`Lines`), the tools it may use
(`Tools`, whose answers are `Booked`), and what it returns — say something, wait quietly, hang up with an
outcome, transfer, let the speech model answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from agent.dialogue.states import DialogueState
    from agent.dialogue.understanding import Understood


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Wait:
    """Say nothing and keep listening (the callee asked the agent to hold on)."""


@dataclass(frozen=True)
class Hangup:
    outcome: str  # a Call outcome, or "" to let the call's end decide


@dataclass(frozen=True)
class Transfer:
    number: str


@dataclass(frozen=True)
class ModelAnswer:
    """Let the speech model answer the callee's last words in its own voice (agent/dialogue/model_answers.py);
    where it cannot — no model, no room, words it may not say — say `fallback`. Then say `then`."""

    fallback: str
    then: str


@dataclass(frozen=True)
class ModelReply:
    """The language model's reply to the callee, streaming (agent/dialogue/conducted_turn.py): say each sentence
    `turn.next_part()` gives as it comes; the list it gives last is the actions that follow."""

    turn: Any


@dataclass(frozen=True)
class Lines:
    """The script's words for this call, placeholders filled."""

    greeting: str
    purpose: str
    closing: str
    voicemail: str
    first_name: str
    agent_name: str
    office_name: str
    callback_number: str
    recording_notice: str = ""
    transfer_number: str = ""
    opt_out_phrases: tuple[str, ...] = ()
    taught: tuple[tuple[str, str], ...] = ()  # (phrase, meaning) the office taught the agent
    objection_answers: dict[str, str] = field(default_factory=dict)
    facts: tuple[str, ...] = ()  # what the office lets the agent tell a callee who asks
    tone: str = ""  # how the language model speaks when it conducts the call
    appointment: str = ""  # "annual review (30 minutes)"
    appointment_type: str = ""  # "annual review"
    inbound: str = ""  # they called us: "known" (a customer, by their number) or "unknown"; "" when we called
    reminder: bool = False  # we call to remind them of an appointment they have


@dataclass
class Booked:
    booked: bool
    starts_at: dt.datetime | None = None
    alternatives: list[dt.datetime] = field(default_factory=list)
    confirmed: bool = True  # in the staff member's calendar already (else held here, pushed when it answers)
    unusable: bool = False  # not booked because the calendar could not be used (not because the time is taken)


class Tools(Protocol):
    zone: dt.tzinfo

    def now(self) -> dt.datetime: ...

    def offer(
        self, *, count: int = 3, day: dt.date | None = None, part: str | None = None, not_before: dt.date | None = None
    ) -> list[dt.datetime]: ...

    def check(self, wanted: dt.datetime) -> tuple[bool, list[dt.datetime]]: ...

    def book(self, starts_at: dt.datetime) -> Booked: ...

    def callback(self, when: dt.datetime | None) -> dt.datetime: ...

    def do_not_call(self) -> None: ...

    def wrong_number(self) -> None: ...

    def appointment(self):
        """The appointment the call is about (a reminder's, or an inbound customer's next one), or None."""
        ...

    def appointment_confirm(self) -> None: ...

    def appointment_cancel(self) -> None: ...

    def appointment_move_start(self) -> None:
        """The next time booked moves that appointment instead of booking a new one."""
        ...

    def caller_message(self, text: str) -> None:
        """A caller we do not know left this message for staff."""
        ...

    def offers_release(self) -> None:
        """The call is over: the times it had on offer may be offered to other calls."""
        ...


class DialoguePolicy(Protocol):
    """What a call session drives: the scripted policy, or the language model's around it. Each event returns
    the actions to carry out; the attributes say where the call stands."""

    lines: Lines
    tools: Tools
    state: DialogueState
    outcome: str
    voicemail_message: str
    offered: list[dt.datetime]  # the times on the table now
    last_understood: Understood | None  # how the last thing heard was understood (noted on its turn)
    openings: tuple[str, ...]  # first sentences of its commonest replies, made into audio before they are needed
    speech_model_answers: bool  # the script lets the speech model answer questions it holds no answer for

    def heard(self, text: str, confidence: float | None = None) -> list: ...

    def pressed(self, key: str) -> list: ...

    def silence(self) -> list: ...

    def machine(self) -> list: ...

    def hung_up(self) -> bool:
        """The callee hung up; true when that answered an open opt-out question (do-not-call is written)."""
        ...
