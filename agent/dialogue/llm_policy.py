"""The language-model dialogue policy: the scripted policy, with a language model helping it understand.

The model only ever interprets: it reads the callee's words in the context of the call (what was said, the
question asked, the times on offer) and answers with the `interpret` function, whose reading becomes an
`Understood` handed to `ScriptedPolicy.respond_to`. So everything that changes the world — booking,
do-not-call, a transfer, a callback — still happens only from the scripted states and through the tools'
own checks: a model that "chooses" a time that is not free gets the same "that isn't free" as a person.

When the model is asked (decided here, documented in docs/architecture.md):

- never before the greeting (any words get the greeting) and never once an opt-out was heard: the phrase
  rules (with the script's own opt-out phrases) run first on every turn, and their opt-out is final;
- when the phrase rules are confident, their reading stands and no time is spent on the model —
  confident meaning they found an intent ("unclear" is not one) and, while times are on offer, a yes or a
  choice names one exactly (its number or an hour). A described time ("the one after lunch on Thursday")
  needs the conversation to resolve, so the model is asked;
- any failure — not configured, too slow (LLM_TIMEOUT_SECONDS), an HTTP error, no function call, an intent
  outside the list, a choice that is not on offer — falls back to the phrase rules' reading, with a warning
  that never contains the API key. A model reading of "unclear" also keeps the rules' reading. After a
  permanent failure (a refused key) or two failures in a row the model is left alone for the rest of the
  call, so a broken endpoint costs at most two waits.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from agent.dialogue.actions import ModelAnswer
from agent.dialogue.beside_the_script import BesideTheScript
from agent.dialogue.chat_client import ChatEndpoint, ChatError, chat_function_call
from agent.dialogue.interpretation import INTERPRET, Context, InterpretationError, messages_for, understood_from
from agent.dialogue.policy import Lines, Say, ScriptedPolicy, Tools
from agent.dialogue.question_answers import answer_from_facts
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import Understood

log = logging.getLogger(__name__)

FAILURES_BEFORE_GIVING_UP = 2
MODEL_CONFIDENCE = 0.0  # under the policy's SURE: a time the model read into the words is read back first
HISTORY_TURNS = 20


class LanguageModelPolicy(BesideTheScript):
    def __init__(self, *, lines: Lines, tools: Tools, endpoint: ChatEndpoint, speaks: bool = False) -> None:
        """`speaks`: the model also answers, from the script's facts, questions the script holds no answer for
        (agent/dialogue/question_answers.py), in the script's voice."""
        self.scripted = ScriptedPolicy(lines=lines, tools=tools)
        self.endpoint = endpoint
        self.speaks = speaks
        self.scripted.speech_model_answers = speaks
        self.history: list[tuple[str, str]] = []  # ("agent" | "callee", words)
        self.failures = 0
        self.model_off = False  # set after a permanent failure, or too many in a row

    @property
    def speech_model_answers(self) -> bool:
        return self.scripted.speech_model_answers

    @speech_model_answers.setter
    def speech_model_answers(self, allowed: bool) -> None:
        self.scripted.speech_model_answers = allowed or self.speaks

    # ---- what happened on the call ------------------------------------------------------------------
    def heard(self, text: str, confidence: float | None = None) -> list:
        if self.state == DialogueState.CLOSED:
            return []
        meant = self.understood(text, confidence)
        self._remember("callee", text)
        return self._remembered(self.scripted.respond_to(meant))

    def _remember_callee(self, text: str) -> None:
        self._remember("callee", text)

    def _after_the_script(self, actions: list) -> list:
        return self._remembered(actions)

    def _answered(self, asked: ModelAnswer) -> Say:
        """The question the script cannot answer, answered by the model from the facts (or a scripted line),
        then the script's question again — in the script's voice."""
        question = self.scripted.last_understood.text if self.scripted.last_understood else ""
        answer = answer_from_facts(endpoint=self.endpoint, lines=self.lines, question=question)
        return Say(f"{answer} {asked.then}".strip())

    # ---- understanding ------------------------------------------------------------------------------
    def understood(self, text: str, confidence: float | None = None) -> Understood:
        """The phrase rules' reading, or the model's where the rules are unsure and the model answers well.
        A model's reading is never sure enough to book on: its time is read back first (MODEL_CONFIDENCE)."""
        rules = self.scripted.rules_reading(text, confidence)
        if not self._worth_asking(rules):
            return rules
        try:
            arguments = chat_function_call(endpoint=self.endpoint, messages=self._messages(text), function=INTERPRET)
            model = understood_from(arguments, words=text, offered=len(self.offered))
        except ChatError as problem:
            self._failed(str(problem), permanent=problem.permanent)
            return rules
        except InterpretationError as problem:
            self._failed(f"its answer breaks the interpret function's contract: {problem}", permanent=False)
            return rules
        except Exception as problem:  # noqa: BLE001 (a model must never end a call)
            self._failed(f"{type(problem).__name__}: {problem}", permanent=False)
            return rules
        self.failures = 0
        return rules if model.intent == "unclear" else replace(model, confidence=MODEL_CONFIDENCE)

    def _worth_asking(self, rules: Understood) -> bool:
        if (
            self.model_off
            or self.state in (DialogueState.WAITING_HELLO, DialogueState.CLOSED)
            or rules.intent == "opt_out"
        ):
            return False
        if rules.intent == "unclear":
            return True
        described = rules.intent in ("choose", "yes") and rules.choice is None and rules.hour is None
        return self.state == DialogueState.OFFER and bool(self.offered) and described

    def _messages(self, text: str) -> list[dict]:
        context = Context(
            now=self.tools.now(),
            zone=self.tools.zone,
            waiting_for=self._question(),
            offered=tuple(self.offered) if self.state == DialogueState.OFFER else (),
        )
        return messages_for(history=self.history[-HISTORY_TURNS:], words=text, context=context)

    def _question(self) -> str:
        first = self.lines.first_name
        return {
            DialogueState.IDENTIFY: f"whether they are {first}",
            DialogueState.OFFER: "which time suits them: one of the times on offer, or another they name",
            "wrong_person": f"a better time to reach {first}",
        }.get(self.state, "their answer")

    def _failed(self, reason: str, *, permanent: bool) -> None:
        self.failures += 1
        self.model_off = permanent or self.failures >= FAILURES_BEFORE_GIVING_UP
        log.warning(
            "Language model %r could not interpret a turn, the phrase rules' reading is used%s: %s",
            self.endpoint.model,
            " (and for the rest of this call)" if self.model_off else "",
            self.endpoint.redact(reason),
        )

    # ---- the call so far ----------------------------------------------------------------------------
    def _remember(self, who: str, text: str) -> None:
        self.history.append((who, text))
        del self.history[:-HISTORY_TURNS]

    def _remembered(self, actions: list) -> list:
        if self.speaks:
            actions = [self._answered(action) if isinstance(action, ModelAnswer) else action for action in actions]
        for action in actions:
            if isinstance(action, Say):
                self._remember("agent", action.text)
        return actions
