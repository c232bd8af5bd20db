"""The hearing side of a call session: the fork's L16 frames heard (voice activity, end of turn, beeps), each
utterance recognised by the session's speech stack with what may be said in the dialogue's state and handed
to the policy; barge-in; and the first words, which decide between a person and an answering machine and
never have the greeting said over them. A mixin of `agent.session.CallSession`, which it reaches through
the session's parts (`speech`, `timer`, `turns`, `first_words`, `speaking`) and its `_act` / `_speak`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from agent.dialogue.policy_appointment import APPOINTMENT_STATES
from agent.dialogue.policy_appointment import LISTENING as APPOINTMENT_WORDS
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import understand
from agent.pipeline.hearing import Heard, HeardKind, Hearing
from agent.pipeline.machine import PHRASES as MACHINE_PHRASES
from agent.pipeline.machine import STRONG as MACHINE_STRONG
from agent.pipeline.machine import answer_may_be_a_machine
from agent.pipeline.speaking import Mouth
from agent.speech.grammars import Listening
from agent.speech.tts import VoiceError
from calls.models import Turn

log = logging.getLogger("agent.session")

BACKCHANNEL_SECONDS = 0.8  # a barge-in this short that means nothing is a cough or an "mm-hm"
SPOT_AFTER = 1.0  # seconds of voice worth searching for a machine's phrases: a person's "Hello?" or "Yes,
# speaking." is shorter (the keyword search heard "after the beep" in 1 of 8 syntheses of "Yes, speaking."),
# a machine's sentence with one of them longer ("Hello, you have reached the Smiths." 1.02 s, measured)
UNSURE_WAIT = 1.0  # first words that may be a machine's greeting: the agent listens this much longer
PERSON_WAIT = 0.3  # an answer to "Is this …?" that says nothing the agent knows, short and with no machine
# phrase in it: more likely a person's than a machine's (the 1 s wait made these the slowest turns of a call)
EARLY_END_CONFIDENCE = 0.5  # the policy's SURE: words it would act on without a read-back
speaking_work = ThreadPoolExecutor(max_workers=2, thread_name_prefix="agent-tts")  # synthesis (recognition has
# threads or processes of its own: agent/speech/recognizer*.py)


def whole_sentence(recognition) -> bool:
    """Words an open-vocabulary recogniser heard as a finished sentence (its closing punctuation), sure enough
    to act on."""
    text = recognition.text.strip()
    return bool(text) and text[-1] in ".?!" and recognition.confidence >= EARLY_END_CONFIDENCE


class AudioTurns:
    def _audio(self, message: bytes) -> None:
        if self.hearing is None:
            self._start_audio()
        for heard in self.hearing.push(message):
            self._on(heard)

    def _start_audio(self) -> None:
        self.hearing = Hearing(end_silence=self.timing.end_of_hello)
        try:
            voice = self.speech.voice(self.voice_name)
        except VoiceError as problem:
            log.warning("agent: %s; using the bundled voice", problem)
            voice = self.speech.voice("")
        self.speaking.mouth = Mouth(
            self.socket, voice=voice, executor=speaking_work, recorder=self.recorder, stream_clock=self._stream_now
        )
        lines = self.policy.lines
        self.speaking.prepare([f"{lines.greeting} {lines.recording_notice}".strip()])  # said first: made first

    def _stream_now(self) -> float:
        return self.hearing.seconds if self.hearing is not None else 0.0

    def _on(self, heard: Heard) -> None:
        if heard.kind == HeardKind.BEEP:
            self.timer.spawn(self._beep())
        elif heard.kind == HeardKind.STARTED:
            self.timer.cancel()
            if self.speaking.playing and not self.closing and self.policy.state != DialogueState.WAITING_HELLO:
                self.timer.spawn(self.speaking.cut_short(first_moments=self._first_moments()))
        elif heard.kind == HeardKind.PAUSE and self.policy.state != DialogueState.WAITING_HELLO:
            if self._early is not None:
                self._early[1].cancel()  # words went on after the last pause: its guess is stale (if not begun)
            self._early = (heard.utterance.ended, self._recognise_soon(heard.utterance.samples))
            if self.speech.ends_turns_early:  # open ears: a whole sentence heard at the pause ends the turn there
                ended = heard.utterance.ended
                self._early[1].add_done_callback(lambda words: self._early_words(ended, words))
        elif heard.kind == HeardKind.ENDED:  # the turn latency starts where the words ended, by this process's clock
            heard_end = self._heard_end(heard.utterance)
            early, self._early = self._early, None  # a guess made at its last pause, if the words stopped there
            guess = early[1] if early is not None and early[0] == heard.utterance.ended else None
            if early is not None and guess is None:
                early[1].cancel()
            self.timer.spawn(self._utterance(heard.utterance, heard_end, guess))

    def _early_words(self, ended: float, recognised: asyncio.Future) -> None:
        """The words up to a pause came back while the callee is still silent there: a whole sentence heard
        with confidence (open ears end it with its punctuation) ends the turn now, not after the full
        end-of-turn silence."""
        early = self._early
        if early is None or early[0] != ended or recognised.cancelled() or recognised.exception() is not None:
            return
        endpointer = self.hearing.endpointer
        if not endpointer.speaking or endpointer.so_far().ended != ended:
            return  # they spoke again after that pause
        if not whole_sentence(recognised.result()):
            return
        heard = self.hearing.end_now()
        if heard is not None:
            log.debug("agent: the turn ended at its pause: %r", recognised.result().text)
            self._on(heard)

    def _heard_end(self, utterance) -> float:
        """When the words ended by this process's clock (the stream's lags when the audio arrives late)."""
        return time.monotonic() - (self.hearing.seconds - utterance.ended)

    def _span_ms(self, utterance, heard_end: float) -> tuple[int, int]:
        """The utterance's start and end in ms since the call began, as its turn records them."""
        ended_ms = round((heard_end - self.turns.began) * 1000)
        return ended_ms - round(utterance.seconds * 1000), ended_ms

    def _first_moments(self) -> bool:
        """Still working out who answered: the agent has greeted, had no answer yet, and it is early."""
        return self.policy.state == DialogueState.IDENTIFY and self.first_words.young(time.monotonic())

    def _callee_speaking(self) -> bool:
        return self.hearing is not None and self.hearing.endpointer.speaking

    async def _utterance(self, utterance, heard_end: float, guess: asyncio.Future | None = None) -> None:
        started_ms, ended_ms = self._span_ms(utterance, heard_end)
        if self.closing:
            return
        if self.policy.state == DialogueState.WAITING_HELLO or (self.machine and not self.closing):
            await self._first_words(utterance, started_ms, ended_ms)
            return
        recognition = await (guess or self._recognise_soon(utterance.samples))
        said = recognition.understood
        log.info(
            "agent: heard %r (%.2f) %d ms after the turn ended",
            recognition.text, recognition.confidence, self.turns.now_ms() - ended_ms,
        )  # fmt: skip
        unclear = self._understood(said).intent == "unclear"
        first_moments = self._first_moments()  # no answer to "Is this …?" yet: a machine's greeting going on?
        first = self.first_words
        if first_moments:
            spotted = await self._spot(utterance.samples) if utterance.voiced_seconds >= SPOT_AFTER else set()
            machine = first.add(voiced_seconds=utterance.voiced_seconds, spotted=spotted)
            log.debug("agent: first moments: %.1f s voiced, spotted %s", first.voiced, first.spotted)
            if machine:
                await self._callee_turn(recognition.text, started_ms, ended_ms, recognition)
                await self._machine_heard()
                return
        barely = self._barely_said(utterance, said, guessed=recognition.open)
        speaking = self.speaking
        if speaking.interrupted and (barely or (speaking.greeting_unheard and unclear)):
            text = recognition.text or "(noise)"
            await self._callee_turn(text, started_ms, ended_ms, recognition)
            if speaking.greeting_unheard:  # the greeting again, once they (or a machine's greeting) pause
                self.timer.after_unless(UNSURE_WAIT, speaking.say_unfinished, self._callee_speaking)
            else:
                await speaking.say_unfinished(remember=False)  # only a cough or an "mm-hm": go on
            return
        speaking.heard_out()
        index = await self._callee_turn(recognition.text, started_ms, ended_ms, recognition)
        confidence = recognition.confidence  # the open search's words carry GUESSED: a guess

        def decide() -> list:
            self.answering = utterance.samples  # what the speech model would answer, if the policy lets it
            return self.policy.heard(said, confidence)

        if first_moments and unclear:  # words that answer nothing, early on: perhaps a machine's greeting
            # going on; ask again only if nothing follows them
            machine_like = answer_may_be_a_machine(spotted=first.spotted, voiced_seconds=utterance.voiced_seconds)
            wait = UNSURE_WAIT if machine_like else PERSON_WAIT
            self.timer.after_unless(wait, lambda: self._act(decide, turn=index), self._callee_speaking)
            return
        await self._act(decide, answered_at=ended_ms, turn=index)

    async def _callee_turn(self, text: str, started_ms: int, ended_ms: int, recognition=None) -> int:
        """The callee's words as a turn, saved alongside the answer (which does not wait for the database)."""
        return await self.turns.add(Turn.Speaker.CALLEE, text, started_ms, ended_ms, recognition, wait=False)

    async def _first_words(self, utterance, started_ms: int, ended_ms: int) -> None:
        """The first thing heard after answer: a person's hello (answer at once) or a machine's greeting.
        Evidence adds up over the first utterances, since a machine's greeting pauses between sentences."""
        first = self.first_words
        if self.machine:  # more of the machine's greeting: the wait for its beep starts again
            self.timer.after(self.timing.beep, self._beep)
            return
        recognise = self._recognise_soon(utterance.samples)
        first.add(voiced_seconds=utterance.voiced_seconds)
        if utterance.voiced_seconds >= SPOT_AFTER or first.spotted:  # after a phrase, any words may say more
            if not first.add(spotted=await self._spot(utterance.samples)):
                words = (await recognise).text  # a long first utterance: what the words say counts too
                first.add(spotted={phrase for phrase in MACHINE_STRONG if phrase in words})
        if first.says_machine():
            recognition = await recognise
            await self.turns.add(Turn.Speaker.CALLEE, recognition.text or "(a recorded greeting)", started_ms, ended_ms)
            await self._machine_heard()
            return
        index = await self._callee_turn("…", started_ms, ended_ms)  # words below
        self.timer.spawn(self.turns.fill(index, recognise, unheard="(hello)"))
        if first.unsure():  # may be a machine: listen a moment more
            hello = lambda: self._act(lambda: self.policy.heard("hello"))  # noqa: E731
            self.timer.after_unless(UNSURE_WAIT, hello, self._callee_speaking)
            return
        await self._act(lambda: self.policy.heard("hello"), answered_at=ended_ms)

    async def _machine_heard(self) -> None:
        self.first_words.machine = True
        await self.speaking.stop()
        self.timer.after(self.timing.beep, self._beep)

    def _barely_said(self, utterance, said: str, guessed: bool = False) -> bool:
        """A cough or an "mm-hm" over the agent: short, and nothing the grammar vouches for (or only a yes)."""
        if utterance.voiced_seconds > BACKCHANNEL_SECONDS:
            return False
        if guessed:
            return True
        return understand(
            said, opt_out_phrases=self.policy.lines.opt_out_phrases, taught=self.policy.lines.taught
        ).intent in ("unclear", "yes")

    def _recognise_soon(self, samples) -> asyncio.Future:
        return asyncio.wrap_future(self.speech.ears().recognize_later(samples, self._grammar()))

    async def _spot(self, samples) -> set[str]:
        return await asyncio.wrap_future(self.speech.ears().spot_later(samples, MACHINE_PHRASES))

    def _grammar(self) -> str:
        policy, lines = self.policy, self.policy.lines
        zone = policy.tools.zone
        offered = tuple(moment.astimezone(zone) if zone else moment for moment in (policy.offered or ()))
        listening = Listening(
            state=policy.state,
            first_name=lines.first_name,
            offered=offered,
            opt_out_phrases=tuple(lines.opt_out_phrases),
            objections=(*lines.objection_answers, *(phrase for phrase, _ in lines.taught)),  # heard as taught
            extra=APPOINTMENT_WORDS if policy.state in APPOINTMENT_STATES else (),
        )
        return self.speech.grammar(listening)

    async def _greeting_cut_short(self) -> None:
        """A beep while a machine's greeting is still being heard: the words so far are the callee's turn,
        before the voicemail message (the turn would otherwise end only after the silence the message fills,
        when the call is closing, and the greeting's last words would be missing from the transcript)."""
        so_far = self.hearing.endpointer.so_far() if self._callee_speaking() else None
        if so_far is None or not len(so_far.samples) or so_far.started == self.first_words.cut_short:
            return  # nothing being said, or already kept (the switch's beep and the agent's own both came)
        self.first_words.cut_short = so_far.started
        started_ms, ended_ms = self._span_ms(so_far, self._heard_end(so_far))
        index = await self._callee_turn("…", started_ms, ended_ms)
        recognise = self._recognise_soon(so_far.samples)
        self.timer.spawn(self.turns.fill(index, recognise, unheard="(a recorded greeting)"))

    def _understood(self, said: str):
        lines = self.policy.lines
        return understand(said, opt_out_phrases=lines.opt_out_phrases, taught=lines.taught)
