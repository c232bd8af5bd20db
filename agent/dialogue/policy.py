"""The scripted dialogue policy: a state machine the script fills in. It hears what the callee said (or
that they said nothing, or that a machine answered) and returns what to do: say something, hang up with an
outcome, transfer. Everything that changes the world — offering times, booking, a callback, do-not-call —
goes through the tools it was given, and only from the states where the rules allow it: nothing unclear is
ever booked, and every booking is re-checked by the booking service.

    waiting for hello → identify ("Is this Maria?") → purpose and two or three times → the choice
    (an offered one, a day and time of their own, a part of the day, "not this week") → book → read the
    time back → close.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from agent.dialogue.understanding import Understood, understand

SILENCES_BEFORE_GOODBYE = 2  # re-prompts after silence before ending politely
UNCLEAR_BEFORE_GIVING_UP = 2


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Hangup:
    outcome: str  # a Call outcome, or "" to let the call's end decide


@dataclass(frozen=True)
class Transfer:
    number: str


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
    objection_answers: dict[str, str] = field(default_factory=dict)


@dataclass
class Booked:
    booked: bool
    starts_at: dt.datetime | None = None
    alternatives: list[dt.datetime] = field(default_factory=list)


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


class ScriptedPolicy:
    def __init__(self, *, lines: Lines, tools: Tools) -> None:
        self.lines, self.tools = lines, tools
        self.state = "waiting_hello"
        self.offered: list[dt.datetime] = []
        self.outcome = ""
        self.said_last = ""
        self.silences = self.unclear = self.refusals = 0
        self.voicemail_message = ""

    # ---- what happened on the call ------------------------------------------------------------------
    def heard(self, text: str) -> list:
        return self.respond_to(understand(text, opt_out_phrases=self.lines.opt_out_phrases))

    def respond_to(self, meant: Understood) -> list:
        """What to do about words already understood (by the phrase rules, or by a language model whose
        reading goes through the same states and checks as theirs)."""
        if self.state == "closed":
            return []
        self.silences = 0
        if self.state == "waiting_hello":
            return self._greet()
        return self._respond(meant)

    def silence(self) -> list:
        """Nobody spoke for a while where the agent was waiting for them."""
        if self.state == "closed":
            return []
        if self.state == "waiting_hello":
            return self._greet()  # some people pick up and wait: greet anyway
        self.silences += 1
        if self.silences > SILENCES_BEFORE_GOODBYE:
            return self._close("I'll let you go for now. Goodbye.", "")
        return [self._say(f"Are you still there? {self._prompt()}")]

    def machine(self) -> list:
        """An answering machine took the call and beeped: leave the message once and hang up."""
        if self.state == "closed":
            return []
        self.voicemail_message = self.lines.voicemail
        return self._close(self.lines.voicemail, "voicemail_left")

    # ---- the states ---------------------------------------------------------------------------------
    def _greet(self) -> list:
        self.state = "identify"
        notice = f" {self.lines.recording_notice}" if self.lines.recording_notice else ""
        return [self._say(f"{self.lines.greeting}{notice}")]

    def _respond(self, meant: Understood) -> list:
        general = self._anywhere(meant)
        if general is not None:
            return general
        if self.state == "identify":
            if meant.intent in ("yes", "choose"):
                self.state = "offer"
                return self._choose(meant) if meant.names_a_time else self._offer_first()
            if meant.intent in ("no", "wrong_person"):
                self.state = "wrong_person"
                return [self._say(f"I'm sorry about that. Is there a better time to reach {self.lines.first_name}?")]
        elif self.state == "offer":
            if meant.intent == "choose" or (meant.intent == "yes" and len(self.offered) == 1):
                return self._choose(meant)
            if meant.intent == "no":
                return self._refused()
        elif self.state == "wrong_person":
            if meant.names_a_time:
                self.tools.callback(self._moment(meant))
            return self._close("Thank you, I'll make a note of that. Goodbye.", "wrong_person")
        return self._unclear()

    def _anywhere(self, meant: Understood) -> list | None:
        """What means the same whatever was asked."""
        first = self.lines.first_name
        if meant.intent == "opt_out":
            self.tools.do_not_call()
            return self._close(
                "Understood. I've taken your number off our list, and you won't get any more calls from us. Goodbye.",
                "do_not_call",
            )
        if meant.intent == "not_interested":
            return self._close(f"I understand. Thank you for your time, {first}. Goodbye.", "declined")
        if meant.intent == "callback":
            when = self.tools.callback(self._moment(meant) if meant.names_a_time else None)
            return self._close(f"Of course. We'll call you back {self._spoken(when)}. Goodbye.", "callback")
        if meant.intent == "ask_person":
            if self.lines.transfer_number:
                self.state, self.outcome = "closed", "transferred"
                return [
                    self._say("Of course, let me connect you with someone from the office."),
                    Transfer(self.lines.transfer_number),
                ]
            when = self.tools.callback(None)
            return self._close(
                f"No one is free right now, but someone from the office will call you back "
                f"{self._spoken(when)}. Goodbye.",
                "callback",
            )
        if meant.intent == "who":
            return [
                self._say(
                    f"This is {self.lines.agent_name}, an automated assistant calling for {self.lines.office_name}. "
                    f"{self._prompt()}"
                )
            ]
        if meant.intent == "repeat":
            return [self._say(self.said_last or self._prompt())]
        for objection, answer in self.lines.objection_answers.items():
            if objection.lower() in meant.text.lower():
                return [self._say(f"{answer} {self._prompt()}")]
        return None

    def _offer_first(self) -> list:
        self.offered = self.tools.offer(count=3)
        if not self.offered:
            when = self.tools.callback(None)
            return self._close(
                f"{self.lines.purpose} Our calendar is full right now, so someone will call you back "
                f"{self._spoken(when)}. Goodbye.",
                "callback",
            )
        return [self._say(f"{self.lines.purpose} I have {self._options(self.offered)}. Which time works best for you?")]

    def _choose(self, meant: Understood) -> list:
        if meant.choice is not None and self.offered and not meant.hour:
            index = meant.choice if meant.choice < len(self.offered) else None
            if index is None:
                return self._unclear()
            return self._book(self.offered[index])
        if meant.intent == "yes" and len(self.offered) == 1:
            return self._book(self.offered[0])
        if meant.hour is not None:
            wanted = self._moment(meant)
            free, nearest = self.tools.check(wanted)
            if free:
                return self._book(wanted)
            self.offered = nearest
            if not nearest:
                return self._refused()
            return [
                self._say(
                    f"I'm sorry, {self._spoken(wanted)} isn't free. "
                    f"The nearest I have is {self._options(nearest)}. Would one of those work?"
                )
            ]
        day = self._day(meant) if (meant.weekday is not None or meant.day_offset is not None) else None
        not_before = self._next_monday() if meant.next_week and day is None else None
        found = self.tools.offer(count=2, day=day, part=meant.part, not_before=not_before)
        if not found:
            self.offered = self.tools.offer(count=3)
            return [
                self._say(
                    f"I'm sorry, nothing is free then. I have {self._options(self.offered)}. Would one of those work?"
                )
            ]
        self.offered = found
        if len(found) == 1:
            return [self._say(f"I have {self._options(found)}. Shall I book that?")]
        return [self._say(f"I have {self._options(found)}. Which one would you like?")]

    def _book(self, starts_at: dt.datetime) -> list:
        result = self.tools.book(starts_at)
        if result.booked:
            return self._close(f"You're all set for {self._spoken(result.starts_at)}. {self.lines.closing}", "booked")
        self.offered = result.alternatives
        if not self.offered:
            return self._refused()
        return [
            self._say(
                f"I'm sorry, that time was just taken. I have {self._options(self.offered)}. Which works for you?"
            )
        ]

    def _refused(self) -> list:
        self.refusals += 1
        if self.refusals > 1:
            return self._close(
                f"No problem. If another time suits you better, call us at {self.lines.callback_number}. Goodbye.",
                "declined",
            )
        later = max(self.offered).astimezone(self.tools.zone).date() + dt.timedelta(days=1) if self.offered else None
        self.offered = self.tools.offer(count=2, not_before=later)
        if not self.offered:
            return self._refused()
        return [self._say(f"How about {self._options(self.offered)}?")]

    def _unclear(self) -> list:
        self.unclear += 1
        if self.unclear > UNCLEAR_BEFORE_GIVING_UP:
            when = self.tools.callback(None)
            return self._close(
                f"I'm sorry, I'm having trouble understanding. "
                f"Someone from our office will call you back {self._spoken(when)}. Goodbye.",
                "callback",
            )
        return [self._say(f"Sorry, I didn't quite catch that. {self._prompt()}")]

    def _prompt(self) -> str:
        if self.state == "identify":
            return f"Am I speaking with {self.lines.first_name}?"
        if self.state == "offer" and self.offered:
            return f"Would {self._options(self.offered)} work for you?"
        if self.state == "wrong_person":
            return f"Is there a better time to reach {self.lines.first_name}?"
        return ""

    def _close(self, text: str, outcome: str) -> list:
        self.state, self.outcome = "closed", outcome
        return [self._say(text), Hangup(outcome)]

    def _say(self, text: str) -> Say:
        self.said_last = text
        return Say(text)

    # ---- times in words and words in times ----------------------------------------------------------
    def _options(self, moments: list[dt.datetime]) -> str:
        spoken = [self._spoken(moment) for moment in moments]
        return spoken[0] if len(spoken) == 1 else ", ".join(spoken[:-1]) + f" or {spoken[-1]}"

    def _spoken(self, moment: dt.datetime) -> str:
        local = moment.astimezone(self.tools.zone)
        today = self.tools.now().astimezone(self.tools.zone).date()
        day = {0: "today", 1: "tomorrow"}.get((local.date() - today).days, f"{local:%A}, {local:%B} {local.day}")
        return f"{day} at {_clock(local)}"

    def _day(self, meant: Understood) -> dt.date:
        today = self.tools.now().astimezone(self.tools.zone).date()
        if meant.day_offset is not None:
            return today + dt.timedelta(days=meant.day_offset)
        ahead = (meant.weekday - today.weekday()) % 7
        if meant.next_week and ahead < 7 - today.weekday():
            ahead += 7
        return today + dt.timedelta(days=ahead)

    def _moment(self, meant: Understood) -> dt.datetime:
        """The wanted day and time (a day from the words or from the times on offer; 10 AM if no hour)."""
        if meant.weekday is not None or meant.day_offset is not None:
            day = self._day(meant)
        elif self.offered:
            day = self.offered[0].astimezone(self.tools.zone).date()
        else:
            day = self.tools.now().astimezone(self.tools.zone).date() + dt.timedelta(days=1)
        hour = meant.hour if meant.hour is not None else {"afternoon": 14, "evening": 17}.get(meant.part or "", 10)
        return dt.datetime.combine(day, dt.time(hour, meant.minute), tzinfo=self.tools.zone).astimezone(dt.UTC)

    def _next_monday(self) -> dt.date:
        today = self.tools.now().astimezone(self.tools.zone).date()
        return today + dt.timedelta(days=7 - today.weekday())


def _clock(local: dt.datetime) -> str:
    if (local.hour, local.minute) == (12, 0):
        return "noon"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes} {'AM' if local.hour < 12 else 'PM'}"
