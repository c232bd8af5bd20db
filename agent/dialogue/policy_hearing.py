"""What the scripted policy does when it may not have heard right (a mixin of `policy.ScriptedPolicy`, which
owns the states, the tools and the words): "Sorry, I didn't quite catch that" and, after
UNCLEAR_BEFORE_GIVING_UP answers it could not use, a callback; on the last try among several times, one time
asked about for a yes or a no; words only guessed that would end the call asked about ("Did you say I have
the wrong number?"); an answer to "Would you like us to stop calling you?" not heard clearly asked again, then
honoured; a long guess with a "yeah" in it not taken for a yes; and the keys the callee presses, which are
never misheard."""

from __future__ import annotations

import re
from dataclasses import replace

from agent.dialogue.actions import ModelAnswer
from agent.dialogue.model_answers import ANSWERS_PER_CALL, asks_a_question
from agent.dialogue.phrases import normalised
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import GUESSED, Understood

UNCLEAR_BEFORE_GIVING_UP = 2
# What the agent asks back when it only guessed words that would end the call: a yes or a no is easy to hear
# where the words themselves were not (the open search's reading, a language model's). A "yes" carries the
# call on as if the words had been heard clearly; deceased is never asked about (asked again instead).
CHECKS = {
    "wrong_person": "Did you say I have the wrong number?",
    "not_available": "Did you say {first} can't come to the phone right now?",
    "someone_else": "Did you say {first} can't come to the phone right now?",
    "callback": "Did you say you'd like us to call back another time?",
    "ask_person": "Did you say you'd like to speak with someone from the office?",
    "not_interested": "Did you say you're not interested?",
    "already_have": "Did you say you already have an appointment?",
}
CHECKS_A_GUESS_MAY_ANSWER = {"not_available", "someone_else", "callback", "ask_person"}  # a guessed yes is enough
# where what follows is staff calling back or taking the call: nothing is lost if it was misheard. A guessed yes
# to the others (a wrong number, not interested) gets the question again.
# Keys the callee presses (DTMF, from the switch): certain where words may be misheard. 9 stops our calls in every
# state; where a yes or a no is asked, 1 is yes and 2 is no (and the agent says so where hearing failed); while
# times are on offer, 1 to 3 picks one.
OPT_OUT_KEY = "9"
KEYS_YES_NO = "Press 1 for yes, or 2 for no."
YES_OR_NO_STATES = (
    DialogueState.IDENTIFY,
    DialogueState.CONFIRM,
    DialogueState.CONFIRM_INTENT,
    DialogueState.CONFIRM_OPT_OUT,
    DialogueState.NOT_AVAILABLE,
)
LONGEST_GUESSED_YES = 4  # words in a guessed reading that may still be a yes to "Is this …?": a yes is short
# ("speaking", "yeah that again"); a long reading with a "yeah" in it was something else (in the tuning
# phrasings heard by the open search, 3 of 5 such non-answers ran to 6–8 words, no true yes over 4; and "Yeah,
# hi. Please just take me off your call list." came back as "yeah hi your the not look all great")
_YES_WORD, _NO_WORD = r"\b(?:yes|yeah|yep|yup|yah|ya)\b", r"\b(?:no|nope|nah)\b"
YES_AND_NO = re.compile(rf"{_YES_WORD}.*{_NO_WORD}|{_NO_WORD}.*{_YES_WORD}")  # "yeah, no" (not "no, it's fine")


class HearingRepairs:
    def pressed(self, key: str) -> list:
        """The callee pressed a key (OPT_OUT_KEY, KEYS_YES_NO, or a time's place in the offer). A key is
        never a guess: it goes through the same states and checks as words heard with confidence."""
        if self.state == DialogueState.CLOSED:
            return []
        text = f"(pressed {key})"
        if key == OPT_OUT_KEY:
            self.last_understood = Understood("opt_out", text=text)
            return self._do_not_call()
        if self.state == DialogueState.OFFER and key in ("1", "2", "3") and int(key) <= len(self.offered):
            return self.respond_to(Understood("choose", text=text, choice=int(key) - 1))
        if self.state in YES_OR_NO_STATES and key in ("1", "2"):
            return self.respond_to(Understood("yes" if key == "1" else "no", text=text))
        return self.respond_to(Understood("unclear", text=text))

    def _check(self, meant: Understood) -> list:
        """Guessed words that would end the call: "Did you say I have the wrong number?" (once; a
        guess while already asking is asked again plainly)."""
        if (
            meant.intent not in CHECKS
            or self.state == DialogueState.CONFIRM_INTENT
            or self.unclear >= UNCLEAR_BEFORE_GIVING_UP
        ):
            return self._unclear()
        self.unclear += 1  # a question asked again, as far as giving up goes
        self.resume, self.state = self.state, DialogueState.CONFIRM_INTENT
        self.checking = replace(meant, confidence=None)  # said back and agreed to: as if heard clearly
        return [self._say(f"Sorry, I may have misheard. {self._prompt()} {KEYS_YES_NO}")]

    def _confirm_intent(self, meant: Understood) -> list:
        checked = self.checking
        if meant.intent in ("yes", "unclear", "hello") and not self._agreed(meant, checked):
            return self._unclear()  # the question again
        self.checking, self.state = None, self.resume
        if meant.intent == "yes":
            return self._respond(checked)
        if meant.intent == "no" and not meant.names_a_time:
            return [self._say(f"Sorry about that. {self._prompt()}")]
        return self._respond(meant)

    def _agreed(self, meant: Understood, checked: Understood | None) -> bool:
        """A yes to "Did you say …?": heard clearly, or only guessed where a misheard yes loses nothing."""
        if meant.intent != "yes" or checked is None:
            return False
        return not self._guessed(meant) or checked.intent in CHECKS_A_GUESS_MAY_ANSWER

    def _unclear(self) -> list:
        if self._model_may_answer():
            self.model_answered += 1
            return [ModelAnswer(fallback=f"Sorry, I didn't quite catch that. {self._prompt()}", then=self._prompt())]
        self.unclear += 1
        if self.unclear > UNCLEAR_BEFORE_GIVING_UP:
            when = self.tools.callback(None)
            return self._close(
                f"I'm sorry, I'm having trouble understanding. "
                f"Someone from our office will call you back {self._spoken(when)}. Goodbye.",
                "callback",
            )
        if self.state == DialogueState.OFFER and len(self.offered) > 1 and self.unclear == UNCLEAR_BEFORE_GIVING_UP:
            # The last try before giving up: one time, so that a yes or a no answers it (both are easy to
            # hear where a pick among three was not); a yes books it, a no offers the others again.
            self.state, self.pending = DialogueState.CONFIRM, self.offered[0]
            return [
                self._say(
                    f"Sorry, I'm having trouble hearing you. Would {self._spoken(self.pending)} work for you? "
                    f"{KEYS_YES_NO}"
                )
            ]
        return [self._say(f"Sorry, I didn't quite catch that. {self._prompt()}")]

    def _model_may_answer(self) -> bool:
        """A clear question the script has no answer for, where the script lets the speech model answer."""
        meant = self.last_understood
        return (
            self.speech_model_answers
            and self.model_answered < ANSWERS_PER_CALL
            and asks_a_question(meant, guessed=meant is not None and self._guessed(meant))
        )

    def _stop_asked_again(self) -> list:
        """No clear answer to "Would you like us to stop calling you?" (silence, words not understood, a
        "yeah, no", a no only guessed): the question once more, with keys; after that it is honoured, erring
        toward what they may have asked (as when they hang up on the question)."""
        self.stop_asked += 1
        if self.stop_asked > 1:
            return self._do_not_call()
        return [self._say(f"Sorry, should we stop calling this number? {KEYS_YES_NO}")]

    def _long_guess(self, meant: Understood) -> bool:
        """Words only guessed, longer than a yes is: not taken for one (asked again)."""
        return self._guessed(meant) and len(normalised(meant.text).split()) > LONGEST_GUESSED_YES

    @staticmethod
    def _yes_and_no(meant: Understood) -> bool:
        """ "Yeah, no": a yes and a no in one answer, which answers a yes-or-no question neither way."""
        return bool(YES_AND_NO.search(normalised(meant.text)))

    def _guessed(self, meant: Understood) -> bool:
        return meant.confidence is not None and meant.confidence <= GUESSED
