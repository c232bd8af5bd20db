"""The dialogue policy in which the language model conducts the call (the script's "Language model conducts"),
inside guard rails kept in code, not in the prompt.

The scripted policy runs beside it and keeps the call's state (where the call stands, the times on offer, the
one read back, what was said). The model speaks once the callee was greeted and identified, while times are
chosen, a read-back is answered or a callback arranged (`MODEL_STATES`); its words stream to the voice sentence
by sentence (`conducted_turn.py`) and its tools (`conducting_prompt.TOOLS`) are carried out by the scripted
states, whose lines say what the tools did. So:

- the greeting with the disclosure, the identification, the recording notice, the opt-out question and its
  answer, the voicemail message and every line that says what a tool did are scripted, never generated;
- the phrase rules hear every turn first: an opt-out (or words that may be one), a wrong number, a death, "is
  this a robot?", "hold on" and "say that again" are answered by the scripted policy before the model is asked;
- `book` books only the time read back, and only when the phrase rules heard the callee's clear yes to it in
  this turn; a model that books otherwise gets the read-back (again) — never a booking;
- a sentence naming a day or a time the slot finder did not return, claiming something was booked or removed,
  or promising what the script's facts do not say, is not said (nor anything after it): a scripted line is;
- a turn longer than 45 words is cut; when the model fails, or gives no words within LLM_TURN_BUDGET_SECONDS
  (or stalls that long between sentences), the scripted policy answers the turn. After a permanent failure or
  two in a row the scripted policy answers the rest of the call.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings

from agent.dialogue.actions import ModelReply, Say
from agent.dialogue.beside_the_script import BesideTheScript
from agent.dialogue.chat_client import ChatEndpoint
from agent.dialogue.chat_stream import ToolCall, chat_stream
from agent.dialogue.conducted_turn import ConductedTurn
from agent.dialogue.conducting_prompt import TOOLS, CallState, ToolError, instructions, state_note, understood_from_tool
from agent.dialogue.model_answers import asks_a_question
from agent.dialogue.model_reply_checks import reply_problem
from agent.dialogue.policy import Lines, ScriptedPolicy, Tools
from agent.dialogue.policy_hearing import UNCLEAR_BEFORE_GIVING_UP
from agent.dialogue.question_answers import NOT_IN_THE_FACTS
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import Understood

log = logging.getLogger(__name__)

MODEL_STATES = (DialogueState.OFFER, DialogueState.CONFIRM, DialogueState.NOT_AVAILABLE)
RULES_FIRST = ("opt_out", "opt_out_unsure", "deceased", "wrong_person", "robot", "hold", "repeat")
FAILURES_BEFORE_GIVING_UP = 2
HISTORY_MESSAGES = 30


class ConductingPolicy(BesideTheScript):
    def __init__(
        self, *, lines: Lines, tools: Tools, endpoint: ChatEndpoint, profile: str = "", budget: float | None = None
    ) -> None:
        self.scripted = ScriptedPolicy(lines=lines, tools=tools)
        self.endpoint = endpoint
        self.budget = settings.LLM_TURN_BUDGET_SECONDS if budget is None else budget
        self.system = instructions(lines, profile=profile)
        self.history: list[dict] = []  # the call so far, as chat messages (callee: user, agent: assistant)
        self.known: set[dt.datetime] = set()  # every time the slot finder returned on this call
        self.rules: Understood | None = None  # the phrase rules' reading of the turn the model answers
        self.failures = 0
        self.model_off = False
        self.turn_note = ""  # the model's part in the latest turn, for the call page ("" when it had none)

    @property
    def speech_model_answers(self) -> bool:
        return False  # the language model answers questions here; the speech model does not

    @speech_model_answers.setter
    def speech_model_answers(self, allowed: bool) -> None:
        pass

    # ---- what happened on the call ------------------------------------------------------------------
    def heard(self, text: str, confidence: float | None = None) -> list:
        if self.state == DialogueState.CLOSED:
            return []
        rules = self.scripted.rules_reading(text, confidence)
        self._remember("user", text)
        self.turn_note = ""
        if not self._models_turn(rules):
            return self._scripted(self.scripted.respond_to(rules))
        self.rules = rules
        self.scripted.last_understood, self.scripted.silences = rules, 0
        messages = [
            {"role": "system", "content": self.system},
            *self.history[:-1],
            {"role": "user", "content": f"{self.history[-1]['content']}\n\n{state_note(self._call_state())}"},
        ]
        stream = partial(chat_stream, endpoint=self.endpoint, messages=messages, tools=TOOLS)
        return [ModelReply(ConductedTurn(stream=stream, ends=self, budget=self.budget))]

    def _models_turn(self, rules: Understood) -> bool:
        scripted = self.scripted
        if self.model_off or scripted.state not in MODEL_STATES or self.lines.inbound or self.lines.reminder:
            return False
        return rules.intent not in RULES_FIRST

    # ---- the ends of a model turn (conducted_turn.TurnEnds) ----------------------------------------------
    def problem(self, sentence: str) -> str:
        facts = (*self.lines.facts, *self.lines.objection_answers.values(), self.lines.appointment)
        return reply_problem(sentence, known=self._known(), zone=self.tools.zone, now=self.tools.now(), facts=facts)

    def finished(self, calls: tuple[ToolCall, ...], said: list[str]) -> list:
        self.failures = 0
        self.turn_note = f"language model: {', '.join(call.name for call in calls) or 'words'}"
        if not calls:
            if not said:
                return self._instead("its reply was empty", said)
            if self._not_understood_again():
                return self._scripted(self.scripted._unclear(), said)  # as the rules would: a callback
            prompt = self.scripted._prompt()
            ending = [self.scripted._say(prompt)] if prompt and not said[-1].endswith("?") else []
            self.scripted.said_last = " ".join(said)
            return self._scripted(ending, said)
        if len(calls) > 1:
            log.info(
                "agent: the language model called %d tools at once; only %s is carried out", len(calls), calls[0].name
            )
        call = calls[0]
        if call.name == "book":
            return self._scripted(self._book(), said)
        try:
            meant = understood_from_tool(
                call.name, call.arguments, words=self.rules.text, offered=len(self.offered),
                confidence=self.rules.confidence,
            )  # fmt: skip
        except ToolError as error:
            log.warning("agent: the language model's tool call was not carried out: %s", error)
            return self._scripted(self.scripted.respond_to(self.rules), said)
        if self._rules_agree(call, meant):
            meant = self.rules  # their reading books a clear pick heard with confidence (said back, not read back)
        return self._scripted(self.scripted.respond_to(meant), said)

    def _rules_agree(self, call: ToolCall, meant: Understood) -> bool:
        """The model checks the very time the phrase rules heard picked or named (the same offer, or the same
        day and hour), so the rules' own reading — with its confidence — decides whether to read it back."""
        rules = self.rules
        if call.name != "check_time" or rules.intent != "choose" or rules.refused:
            return False
        if meant.choice is not None:
            return rules.choice is not None and self.scripted._offered_at(rules.choice) == self.scripted._offered_at(
                meant.choice
            )
        same_day = (rules.weekday, rules.day_offset, rules.month_day) == (
            meant.weekday,
            meant.day_offset,
            meant.month_day,
        )
        return rules.choice is None and same_day and (rules.hour, rules.minute) == (meant.hour, meant.minute)

    def _not_understood_again(self) -> bool:
        """Words neither the rules nor (by its lack of a tool) the model could use, and no question: counted as
        the rules count them, so a callee nobody understands gets a callback rather than endless re-asks."""
        rules, scripted = self.rules, self.scripted
        if rules.intent != "unclear" or asks_a_question(rules, guessed=scripted._guessed(rules)):
            return False
        if scripted.unclear >= UNCLEAR_BEFORE_GIVING_UP:
            return True  # the rules' _unclear counts this one and gives up
        scripted.unclear += 1
        return False

    def replaced(self, reason: str, said: list[str]) -> list:
        log.warning("agent: the language model's words were not said: %s", reason)
        self.turn_note = f"language model stopped: {reason}"
        if "promises" in reason:
            prompt = self.scripted._prompt()
            return self._scripted([self.scripted._say(f"{NOT_IN_THE_FACTS} {prompt}".strip())], said)
        return self._scripted(self.scripted.respond_to(self.rules), said)

    def too_late(self, reason: str, said: list[str], permanent: bool = False) -> list:
        return self._instead(reason, said, permanent=permanent)

    def _instead(self, reason: str, said: list[str], permanent: bool = False) -> list:
        """The model failed or was late: the scripted policy answers (or, after words of the model's, asks its
        question again so the call goes on)."""
        self.failures += 1
        self.model_off = permanent or self.failures >= FAILURES_BEFORE_GIVING_UP
        self.turn_note = "language model late or failed: the script answered"
        log.warning(
            "agent: the language model %r did not answer a turn, the scripted policy did%s: %s",
            self.endpoint.model, " (and answers the rest of this call)" if self.model_off else "",
            self.endpoint.redact(reason),
        )  # fmt: skip
        if said:
            prompt = self.scripted._prompt()
            return self._scripted([self.scripted._say(prompt)] if prompt else [], said)
        return self._scripted(self.scripted.respond_to(self.rules))

    def _book(self) -> list:
        """Book the time read back — only on the callee's clear yes to it, heard by the phrase rules."""
        scripted, rules = self.scripted, self.rules
        pending = scripted.pending
        if scripted.state == DialogueState.CONFIRM and pending is not None:
            clear_yes = rules.intent == "yes" and scripted._sure(rules) and not scripted._yes_and_no(rules)
            if clear_yes and not scripted._guessed(rules):
                return scripted._book(pending)
            return [scripted._say(f"Sorry, was that a yes for {scripted._spoken(pending)}?")]
        log.warning("agent: the language model asked to book with no time read back; the rules answer instead")
        return scripted.respond_to(rules)

    # ---- the call so far ----------------------------------------------------------------------------
    def _call_state(self) -> CallState:
        scripted = self.scripted
        offered = tuple(scripted.offered) if scripted.state in (DialogueState.OFFER, DialogueState.CONFIRM) else ()
        return CallState(
            now=self.tools.now(), zone=self.tools.zone, state=scripted.state, offered=offered,
            read_back=scripted.pending if scripted.state == DialogueState.CONFIRM else None,
        )  # fmt: skip

    def _known(self) -> set[dt.datetime]:
        self.known.update(self.scripted.offered)
        if self.scripted.pending is not None:
            self.known.add(self.scripted.pending)
        return self.known

    def _scripted(self, actions: list, said: list[str] = ()) -> list:
        """Actions that follow, remembered for the model with what it said itself; the times they put on
        offer become times the model may name. A scripted line that opens with the model's last sentence
        ("No problem.") does not say it twice."""
        self._known()
        if said and actions and isinstance(actions[0], Say) and actions[0].text.startswith(said[-1]):
            rest = actions[0].text[len(said[-1]) :].strip()
            actions = [Say(rest), *actions[1:]] if rest else actions[1:]
        words = [*said, *(action.text for action in actions if isinstance(action, Say))]
        if words:
            self._remember("assistant", " ".join(words))
        return actions

    def _remember_callee(self, text: str) -> None:
        self._remember("user", text)

    def _after_the_script(self, actions: list) -> list:
        return self._scripted(actions)

    def _remember(self, role: str, text: str) -> None:
        if self.history and self.history[-1]["role"] == role:
            self.history[-1] = {"role": role, "content": f"{self.history[-1]['content']} {text}"}
        else:
            self.history.append({"role": role, "content": text})
        del self.history[:-HISTORY_MESSAGES]
