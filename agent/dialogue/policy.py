"""The scripted dialogue policy: a state machine the script fills in. It hears what the callee said (or
that they said nothing, or that a machine answered) and returns what to do: say something, wait, hang up
with an outcome, transfer. Everything that changes the world — offering times, booking, a callback,
do-not-call, a wrong number — goes through the tools it was given, and only from the states where the
rules allow it.

    waiting for hello → identify ("Is this Maria?") → purpose and two or three times → the choice
    (an offered one, a day and time of their own, a part of the day, "after three", "not this week")
    → [read back: "Thursday at noon — shall I book it?"] → book → the time said back → close.

The two invariants, for every policy built on this one (the language model's too):
- Nothing is booked unless the callee accepted one specific time: one they picked or named unambiguously,
  heard with confidence (then booked and said back), or one read back to them that they said yes to. A
  bare "yes" while several times are on offer gets "Which one: noon or 1:30?"; a time the agent worked out
  itself (a day it filled in, a reading by a language model, a recognition under SURE) is read back first.
- An opt-out is heard in every state, before anything else, and do-not-call is written before the goodbye;
  words that may be one ("leave me alone") get "Would you like us to stop calling you?", and only a no
  heard clearly takes the call back to where it was (no clear answer twice, or a hang-up, is honoured).
"""

from __future__ import annotations

import datetime as dt

from agent.dialogue.actions import Booked, Hangup, Lines, Say, Tools, Transfer, Wait
from agent.dialogue.policy_appointment import APPOINTMENT_STATES, QUESTION, AppointmentChanges, appointment_wish
from agent.dialogue.policy_hearing import CHECKS, UNCLEAR_BEFORE_GIVING_UP, HearingRepairs
from agent.dialogue.policy_inbound import MESSAGE_ASK, InboundCalls, returning_a_call
from agent.dialogue.policy_times import TimeChoice
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import Understood, understand

__all__ = ["Booked", "Hangup", "Lines", "Say", "ScriptedPolicy", "Tools", "Transfer", "Wait"]

SILENCES_BEFORE_GOODBYE = 2  # re-prompts after silence before ending politely
HOLD_WAITS = 4  # answer-waits of silence the agent holds quietly after "hold on" before asking again
SURE = 0.5  # recognition confidence from which a time the callee named is booked without a read-back
OPENINGS = (  # the first sentences of the replies said most, the same on every call: the session makes their
    # audio while the phone rings, so a re-ask, a stop question or a goodbye starts without waiting for the voice
    "Sorry, I didn't quite catch that.",
    "I'm sorry to bother you.",
    "Understood.",
    "Thank you.",
    "No problem.",
    "Of course.",
    "I'm sorry.",
    "Sorry, I may have misheard.",
    "Sorry about that.",
    "All right, thank you.",
    "All right.",
    "Are you still there?",
    "Sorry, should we stop calling this number?",
    "Sorry, I'm having trouble hearing you.",
    "I'm sorry, I'm having trouble understanding.",
    "I'm sorry, nothing is free then.",
    "I'm sorry, that time was just taken.",
)
ENDS_THE_CALL = ("wrong_person", "deceased", "not_available", "someone_else", "not_interested", "already_have",
                 "callback", "ask_person")  # fmt: skip


class ScriptedPolicy(TimeChoice, HearingRepairs, InboundCalls, AppointmentChanges):
    openings = OPENINGS

    def __init__(self, *, lines: Lines, tools: Tools) -> None:
        self.lines, self.tools = lines, tools
        self.state = DialogueState.WAITING_HELLO
        self.offered: list[dt.datetime] = []
        self.counted_from: list[dt.datetime] = []  # the longer list on offer before one time was turned down
        self.pending: dt.datetime | None = None  # the time read back, waiting for a yes
        self.wanted: Understood | None = None  # the day or hours they asked for ("after three"), kept for a retry
        self.resume = ""  # the state a hold, an opt-out question or a check returns to
        self.checking: Understood | None = None  # guessed words that would end the call, asked about (CHECKS)
        self.outcome = ""
        self.said_last = ""
        self.silences = self.unclear = self.refusals = self.holds = self.stop_asked = 0
        self.voicemail_message = ""
        self.last_understood: Understood | None = None
        self.speech_model_answers = False  # set from the script (Script.speech_model_answers)
        self.model_answered = 0

    # ---- what happened on the call ------------------------------------------------------------------
    def heard(self, text: str, confidence: float | None = None) -> list:
        return self.respond_to(self.rules_reading(text, confidence))

    def rules_reading(self, text: str, confidence: float | None = None) -> Understood:
        """The phrase rules' reading of the callee's words, with the script's opt-out phrases and what the
        office taught (every policy reads a turn this way first)."""
        return understand(
            text,
            opt_out_phrases=self.lines.opt_out_phrases,
            taught=self.lines.taught,
            first_name=self.lines.first_name,
            confidence=confidence,
        )

    def respond_to(self, meant: Understood) -> list:
        """What to do about words already understood (by the phrase rules, or by a language model whose
        reading goes through the same states and checks as theirs)."""
        if self.state == DialogueState.CLOSED:
            return []
        self.last_understood = meant
        self.silences = 0
        if self.state == DialogueState.WAITING_HELLO and meant.intent not in ("opt_out", "wrong_person"):
            return self._greet()
        return self._respond(meant)

    def silence(self) -> list:
        """Nobody spoke for a while where the agent was waiting for them."""
        if self.state == DialogueState.CLOSED:
            return []
        if self.state == DialogueState.WAITING_HELLO:
            return self._greet()  # some people pick up and wait: greet anyway
        if self.state == DialogueState.CONFIRM_OPT_OUT:  # the question was not answered: ask once more, then honour it
            return self._stop_asked_again()
        if self.state == DialogueState.HOLDING:
            self.holds += 1
            if self.holds <= HOLD_WAITS:
                return [Wait()]
            self.state = self.resume
        self.silences += 1
        if self.silences > SILENCES_BEFORE_GOODBYE:
            return self._close("I'll let you go for now. Goodbye.", "")
        return [self._say(f"Are you still there? {self._prompt()}")]

    def hung_up(self) -> bool:
        """The callee hung up. One who was asked "Would you like us to stop calling you?" and hung up
        before answering goes on the do-not-call list (erring toward what they may have asked); True then."""
        if self.state != DialogueState.CONFIRM_OPT_OUT:
            return False
        self.tools.do_not_call()
        self.state, self.outcome = DialogueState.CLOSED, "do_not_call"
        return True

    def machine(self) -> list:
        """An answering machine took the call and beeped: leave the message once and hang up."""
        if self.state == DialogueState.CLOSED:
            return []
        self.voicemail_message = self.lines.voicemail
        return self._close(self.lines.voicemail, "voicemail_left")

    # ---- the states ---------------------------------------------------------------------------------
    def _greet(self) -> list:
        if self.lines.inbound:
            return self._greet_inbound()
        self.state = DialogueState.IDENTIFY
        notice = f" {self.lines.recording_notice}" if self.lines.recording_notice else ""
        return [self._say(f"{self.lines.greeting}{notice}")]

    def _respond(self, meant: Understood) -> list:
        if self.state == DialogueState.HOLDING:
            self.state = self.resume
            if meant.intent in ("unclear", "hello", "yes"):  # "Okay, I'm back."
                return [self._say(f"No problem. {self._prompt()}")]
        if self._guessed(meant) and meant.intent in ENDS_THE_CALL:
            return self._check(meant)  # words only guessed never end a call: asked about, or asked again
        if self.lines.inbound and self.state == DialogueState.OFFER and returning_a_call(meant.text):
            return self._returning()  # "you called me?"
        if self.state == DialogueState.APPOINTMENT and meant.intent not in ("opt_out", "opt_out_unsure"):
            if appointment_wish("", meant.text) in ("move", "cancel"):  # their words say it ("can't make it …")
                return self._appointment(meant)
        if self.state == DialogueState.MESSAGE and meant.intent not in ("opt_out", "opt_out_unsure"):
            return self._message(meant)  # whatever an unknown caller says now is their message
        general = self._anywhere(meant)
        if general is not None:
            return general
        handler = {
            DialogueState.IDENTIFY: self._identify,
            DialogueState.OFFER: self._offer,
            DialogueState.CONFIRM: self._confirm,
            DialogueState.CONFIRM_OPT_OUT: self._confirm_opt_out,
            DialogueState.CONFIRM_INTENT: self._confirm_intent,
            DialogueState.NOT_AVAILABLE: self._not_available,
            DialogueState.MESSAGE: self._message,
            DialogueState.APPOINTMENT: self._appointment,
            DialogueState.CONFIRM_CANCEL: self._confirm_cancel,
            DialogueState.CONFIRM_KEEP: self._confirm_keep,
        }.get(self.state)
        return handler(meant) if handler else self._unclear()

    def _identify(self, meant: Understood) -> list:
        if meant.intent == "yes" and not self._long_guess(meant):
            self.state = DialogueState.OFFER
            return self._offer_first()
        if meant.intent == "choose":  # a time before they have heard why we call ("this is he, at nine"?):
            self.state = DialogueState.OFFER  # taken as a yes; the purpose and the times on offer come first
            return self._offer_first()
        if meant.intent == "no":
            self.state = DialogueState.NOT_AVAILABLE
            return [self._say(f"I'm sorry. Is there a better time to reach {self.lines.first_name}?")]
        return self._unclear()

    def _offer(self, meant: Understood) -> list:
        if meant.intent == "choose":
            return self._choose(meant)
        if meant.intent == "yes":
            if len(self.offered) == 1:
                return self._accept(self.offered[0], sure=self._sure(meant))
            if self.offered:  # a yes to two or three times picks none of them
                self.unclear += 1
                if self.unclear > UNCLEAR_BEFORE_GIVING_UP:
                    return self._unclear()
                return [self._say(f"Which one would you like: {self._options(self.offered)}?")]
        if meant.intent == "no":
            return self._refused(meant)
        return self._unclear()

    def _confirm(self, meant: Understood) -> list:
        if meant.intent == "yes" and self.pending is not None:
            if self._sure(meant):
                return self._book(self.pending)
            return [self._say(f"Sorry, was that a yes for {self._spoken(self.pending)}?")]
        if meant.intent == "no" and not meant.names_a_time:
            self.state = DialogueState.OFFER
            self.counted_from = list(self.offered)  # "the third one" may still count in the list heard before
            self.offered = [moment for moment in self.offered if moment != self.pending] or self.tools.offer(count=3)
            self.pending = None
            return [self._say(f"No problem. Would {self._options(self.offered)} work instead?")]
        if meant.intent == "choose" and meant.ordinal_only and self.pending is not None:
            # "The second one" to a read-back of one time: a yes only if the earlier list's second is that time
            if self._offered_at(meant.choice) == self.pending and self._sure(meant):
                return self._book(self.pending)
            return [self._say(f"Sorry, was that a yes for {self._spoken(self.pending)}?")]
        if meant.intent in ("choose", "no"):
            self.state = DialogueState.OFFER
            return self._offer(meant)
        return self._unclear()

    def _confirm_opt_out(self, meant: Understood) -> list:
        """A yes (even one only guessed) is honoured; only a no heard clearly goes back to the call. No
        answer heard clearly — words not understood, a "yeah, no", a no only guessed — gets the question
        again (_stop_asked_again)."""
        both = self._yes_and_no(meant)
        if meant.intent == "yes" and not both:
            return self._do_not_call()
        if meant.intent == "no" and not both and not self._guessed(meant):
            self.state = self.resume
            return [self._say(f"All right, thank you. {self._prompt()}")]
        if meant.intent in ("yes", "no", "unclear", "hello"):
            return self._stop_asked_again()
        self.state = self.resume
        return self._respond(meant)

    def _not_available(self, meant: Understood) -> list:
        if meant.names_a_time:
            when = self.tools.callback(self._callback_moment(meant))
            return self._close(f"Thank you. We'll call back {self._spoken(when)}. Goodbye.", "callback")
        if meant.intent == "no":
            return self._close("All right. Thank you for your time. Goodbye.", "declined")
        when = self.tools.callback(None)
        return self._close(f"Thank you. We'll try again {self._spoken(when)}. Goodbye.", "callback")

    def _anywhere(self, meant: Understood) -> list | None:
        """What means the same whatever was asked."""
        lines, first = self.lines, self.lines.first_name
        intent = meant.intent
        if intent == "opt_out" and not self._guessed(meant):
            return self._do_not_call()
        if intent in ("opt_out", "opt_out_unsure"):  # maybe an opt-out (or one in words only guessed): ask
            if self.state != DialogueState.CONFIRM_OPT_OUT:
                self.resume, self.state, self.stop_asked = self.state, DialogueState.CONFIRM_OPT_OUT, 0
            return [self._say("I'm sorry to bother you. Would you like us to stop calling you?")]
        if intent == "deceased":
            self.tools.wrong_number()
            return self._close(
                "I'm so sorry for your loss. I'll make sure our records are updated, and we won't call again. Goodbye.",
                "wrong_person",
            )
        if intent == "wrong_person":
            self.tools.wrong_number()
            return self._close("I'm sorry for the trouble. I'll make a note of it. Goodbye.", "wrong_person")
        if intent == "not_available":
            if meant.names_a_time:
                when = self.tools.callback(self._callback_moment(meant))
                return self._close(f"Thank you. We'll call back {self._spoken(when)}. Goodbye.", "callback")
            self.state = DialogueState.NOT_AVAILABLE
            return [self._say(f"No problem. Is there a better time to reach {first}?")]
        if intent == "someone_else":
            when = self.tools.callback(self._callback_moment(meant) if meant.names_a_time else None)
            return self._close(
                f"Thank you. Could you let {first} know that {lines.office_name} called? "
                f"We'll try again {self._spoken(when)}, or {first} can call us at {lines.callback_number}. Goodbye.",
                "callback",
            )
        if intent == "not_interested":
            return self._close(f"I understand. Thank you for your time, {first}. Goodbye.", "declined")
        if intent == "already_have":
            return self._close("Thank you, then you're all set. Have a good day. Goodbye.", "declined")
        if intent == "callback":
            when = self.tools.callback(self._callback_moment(meant) if meant.names_a_time else None)
            return self._close(f"Of course. We'll call you back {self._spoken(when)}. Goodbye.", "callback")
        if intent == "ask_person":
            return self._person()
        if intent == "robot":
            offer = " If you'd rather talk to someone at the office, just say so." if lines.transfer_number else ""
            return [
                self._say(
                    f"Yes, I'm {lines.agent_name}, an automated assistant calling for {lines.office_name}.{offer} "
                    f"{self._prompt()}"
                )
            ]
        if intent == "who":
            return [
                self._say(
                    f"This is {lines.agent_name}, an automated assistant calling for {lines.office_name}. "
                    f"{self._prompt()}"
                )
            ]
        if intent == "purpose":
            return [self._say(f"{lines.purpose} {self._prompt()}")]
        if intent == "how_number":
            return [self._say(f"This number is on file with {lines.office_name} for {first}. {self._prompt()}")]
        if intent == "hold":
            if self.state != DialogueState.HOLDING:
                self.resume, self.state, self.holds = self.state, DialogueState.HOLDING, 0
            return [self._say("Sure, take your time."), Wait()]
        if intent == "repeat":
            return [self._say(self.said_last or self._prompt())]
        if intent == "hello" and self.state != DialogueState.CONFIRM_OPT_OUT:
            return [self._say(self._prompt() or "Hello, I'm still here.")]
        for objection, answer in lines.objection_answers.items():
            if objection.lower() in meant.text.lower():
                return [self._say(f"{answer} {self._prompt()}")]
        return None

    def _do_not_call(self) -> list:
        self.tools.do_not_call()  # written before the goodbye is said
        return self._close(
            "Understood. I've taken your number off our list, and you won't get any more calls from us. Goodbye.",
            "do_not_call",
        )

    def _person(self) -> list:
        if self.lines.transfer_number:
            self.state, self.outcome = DialogueState.CLOSED, "transferred"
            return [
                self._say("Of course, let me connect you with someone from the office."),
                Transfer(self.lines.transfer_number),
            ]
        when = self.tools.callback(None)
        return self._close(
            f"No one is free right now, but someone from the office will call you back {self._spoken(when)}. Goodbye.",
            "callback",
        )

    def _offer_first(self) -> list:
        if self.lines.reminder and self.tools.appointment() is not None:  # a reminder call: about that one
            return self._appointment_named("I'm calling to remind you of")
        self.offered = self.tools.offer(count=3)
        if not self.offered:
            when = self.tools.callback(None)
            return self._close(
                f"{self.lines.purpose} Our calendar is full right now, so someone will call you back "
                f"{self._spoken(when)}. Goodbye.",
                "callback",
            )
        return [self._say(f"{self.lines.purpose} I have {self._options(self.offered)}. Which time works best for you?")]

    def _prompt(self) -> str:
        if self.state == DialogueState.CONFIRM_INTENT and self.checking is not None:
            return CHECKS[self.checking.intent].format(first=self.lines.first_name)
        state = self.resume if self.state in (DialogueState.HOLDING, DialogueState.CONFIRM_OPT_OUT) else self.state
        if state == DialogueState.IDENTIFY:
            return f"Am I speaking with {self.lines.first_name}?"
        if state == DialogueState.OFFER and self.offered:
            return f"Would {self._options(self.offered)} work for you?"
        if state == DialogueState.CONFIRM and self.pending is not None:
            return f"Shall I book {self._spoken(self.pending)}?"
        if state == DialogueState.NOT_AVAILABLE:
            return f"Is there a better time to reach {self.lines.first_name}?"
        if state == DialogueState.MESSAGE:
            return MESSAGE_ASK
        if state in APPOINTMENT_STATES:
            return QUESTION
        return ""

    def _sure(self, meant: Understood) -> bool:
        return meant.confidence is None or meant.confidence >= SURE

    def _close(self, text: str, outcome: str) -> list:
        self.state, self.outcome = DialogueState.CLOSED, outcome
        return [self._say(text), Hangup(outcome)]

    def _say(self, text: str) -> Say:
        self.said_last = text
        return Say(text)
