"""One answered call with the agent: the fork's messages in, the dialogue policy's actions out.

What comes over the fork (its words are defined once, in calls/telephony/fork_protocol.py): the opening
(our call id and its secret); the callee's audio as binary L16 frames — or, in Phonify's text mode, their
words; the telephony listener's word that the switch heard a voicemail beep and the keys the callee
pressed; and the answers to our marks.

The session is put together from small parts, each with its own state: the speech stack it is given
(`agent/speech/backend.py`), a turn timer (`session_timer.py`: the one wait running, the tasks alongside), a
turn log (`session_turns.py`), what the first words say about a machine (`pipeline/machine.py`), the
speaking side (`session_speaking.py`) and the hearing side (`session_hearing.py`).

With audio (`agent/pipeline/`): the frames go through
voice activity and end-of-turn detection; each utterance is recognised with a grammar for the dialogue's
state, and the policy's replies are synthesised and streamed back sentence by sentence. When the callee
talks over the agent, the agent stops (killAudio) and listens; if it was only a cough or an "mm-hm", it says
the unfinished sentence again. The first words decide between a person and an answering machine
(`pipeline/machine.py`); a machine hears nothing until its beep, or the silence after its greeting, and then
the voicemail message once.

In text mode the words travel as text and the agent answers with `playAudio` carrying `textContent`.

Every turn is saved on the Call as it happens; the outcome and any voicemail message when the policy
decides them, and the recording when the call ends. When the policy hangs up, `disconnect` (with the
reason "goodbye") follows once the last words have played, on which the listener ends the call; a fork that
ends without it means the agent was lost, and the listener ends the call flagged. The policy, its tools and
recognition run on worker threads; one call's failure closes only its own socket.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from django.utils import timezone

from agent.dialogue.actions import DialoguePolicy, ModelAnswer, ModelReply
from agent.dialogue.model_answers import model_words_allowed
from agent.dialogue.policy import Hangup, Say, Transfer, Wait
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import sounds_like_machine
from agent.pipeline.hearing import Hearing
from agent.pipeline.machine import FirstWords
from agent.pipeline.recording import CallRecorder
from agent.pipeline.status import status_board
from agent.session_hearing import AudioTurns, speaking_work
from agent.session_records import call_load, call_policy, in_thread, recording_save
from agent.session_speaking import SpeakingSide
from agent.session_timer import TurnTimer
from agent.session_turns import TurnLog
from agent.speech.backend import SpeechBackend, cpu_speech, speech_backend
from agent.speech.tts import VoiceError, sentences_of
from calls.call_record import call_agent_end_record
from calls.models import Call, Turn
from calls.services import call_flag
from calls.telephony.fork_protocol import KEYS, ForkOpening, MarkEvent, Message, ToAgent

log = logging.getLogger(__name__)

SLOW_DECISION = 0.25  # seconds the policy and its tools may take before the agent says HOLD_ON
HOLD_ON = "One moment."
GPU_FULL = "The GPU had no room for this call: it ran on the CPU speech stack."


class Timing:
    """How long the agent waits: for a first hello, for an answer, for the beep after a machine's greeting,
    and (with audio) the silence that ends the callee's turn — shorter for the first hello."""

    def __init__(
        self, hello: float = 2.0, answer: float = 6.0, beep: float = 3.0, end_of_turn: float = 0.35,
        end_of_hello: float = 0.2,
    ) -> None:  # fmt: skip
        self.hello, self.answer, self.beep = hello, answer, beep
        self.end_of_turn, self.end_of_hello = end_of_turn, end_of_hello


class CallSession(AudioTurns):
    def __init__(
        self, socket, call: Call, policy: DialoguePolicy, timing: Timing, voice_name: str = "", *,
        speech: SpeechBackend | None = None, turns: TurnLog | None = None, timer: TurnTimer | None = None,
    ) -> None:  # fmt: skip
        self.socket, self.call, self.policy, self.timing = socket, call, policy, timing
        self.voice_name = voice_name
        self.speech = speech or speech_backend()
        self.timer = timer or TurnTimer(call.pk)
        self.turns = turns or TurnLog(call.pk, self.timer)
        self.first_words = FirstWords(began=self.turns.began)
        self.answering = None  # the samples of the callee's words being answered (the speech model hears them)
        self.speaking = SpeakingSide(socket, self.turns, self.first_words, self._status)
        self.recorder = CallRecorder()
        self.closing = False
        self._lock = asyncio.Lock()
        self._offers_ready = False
        self.hearing: Hearing | None = None  # audio mode, set up when the first audio frame arrives
        self._early: tuple[float, asyncio.Future] | None = None  # words recognised at a pause, by where they ended

    @classmethod
    async def open(cls, socket, opening: ForkOpening, *, clock: Callable = timezone.now, timing: Timing | None = None):
        """The session for the fork's call, or None: a wrong or missing secret, an unknown call, or one that
        is not answered now (an ended call takes no more turns)."""
        if not opening.trusted():
            return None
        call = await in_thread(call_load, opening.call)
        if call is None or call.status != Call.Status.ANSWERED:
            return None
        policy, voice_name = await in_thread(call_policy, call, clock)
        timer = TurnTimer(call.pk)
        turns = await TurnLog.resumed(call.pk, timer)  # a fork that reconnects goes on numbering
        speech = speech_backend()
        if not await in_thread(speech.take_call):
            speech = cpu_speech()
            await in_thread(call_flag, call_id=call.pk, reason=GPU_FULL)
        return cls(socket, call, policy, timing or Timing(), voice_name, speech=speech, turns=turns, timer=timer)

    @classmethod
    async def prepare(cls, call_id: str, *, clock: Callable = timezone.now) -> None:
        """The call is ringing: synthesise its greeting, the script's purpose line and the policy's commonest
        openings into the voice's cache, so the first answer after "Hello?" waits for nothing, nor a re-ask."""
        call = await in_thread(call_load, call_id)
        if call is None:
            return
        policy, voice_name = await in_thread(call_policy, call, clock)
        speech = speech_backend()
        try:
            voice = speech.voice(voice_name)
        except VoiceError:
            voice = speech.voice("")
        lines = policy.lines
        for text in (f"{lines.greeting} {lines.recording_notice}".strip(), lines.purpose, *policy.openings):
            for sentence in sentences_of(text):
                await asyncio.get_running_loop().run_in_executor(speaking_work, voice.audio, sentence)

    @property
    def machine(self) -> bool:
        return self.first_words.machine

    async def run(self) -> None:
        self._status(Call.AgentStatus.LISTENING)
        inbound = self.call.direction == Call.Direction.INBOUND  # they called: the agent speaks first, at once
        self.timer.after(0.0 if inbound else self.timing.hello, self._silence)  # greet even if nobody says hello
        try:
            async for message in self.socket:
                if isinstance(message, bytes):
                    if message:
                        self._audio(message)
                    continue
                await self._command(message)
        finally:
            self.timer.stop()
            self.speech.release_call()
            if (
                not self.closing
                and self.policy.state == DialogueState.CONFIRM_OPT_OUT
                and await in_thread(self.policy.hung_up)
            ):
                await in_thread(call_agent_end_record, call_id=self.call.pk, outcome=Call.Outcome.DO_NOT_CALL)
            self.policy.tools.offers_release()
            if self.hearing is not None:
                await in_thread(recording_save, self.call.pk, self.recorder, self.hearing.frames)

    async def _command(self, text: str) -> None:
        message = Message.decode(text)
        if message is None:
            return
        if message.kind == ToAgent.SPEECH:
            await self._heard_text(str(message.fields.get("text", "")))
        elif message.kind == ToAgent.BEEP:
            await self._beep()
        elif message.kind == ToAgent.KEY and str(message.fields.get("digit", "")) in KEYS:
            await self._pressed(str(message.fields["digit"]))
        elif message.kind == ToAgent.MARK and message.data.get("event") in (MarkEvent.PLAYOUT, MarkEvent.CLEARED):
            await self._played(str(message.data.get("name", "")), message.data.get("event") == MarkEvent.PLAYOUT)

    # ---- text mode -----------------------------------------------------------------------------------
    async def _heard_text(self, text: str) -> None:
        self.timer.cancel()
        index = await self.turns.add(Turn.Speaker.CALLEE, text)
        if self.policy.state == DialogueState.WAITING_HELLO and sounds_like_machine(text):
            # a machine's greeting: say nothing over it; the beep (or silence) is the cue
            self.first_words.machine = True
            self.timer.after(self.timing.beep, self._beep)
            return
        await self._act(lambda: self.policy.heard(text), turn=index)

    async def _pressed(self, key: str) -> None:
        if self.machine:
            return  # a machine's greeting may hold tones: the message is left all the same
        self.timer.cancel()
        await self.speaking.stop()  # a key cuts the agent short, as words do
        index = await self.turns.add(Turn.Speaker.CALLEE, f"(pressed {key})")
        await self._act(lambda: self.policy.pressed(key), turn=index)

    # ---- events --------------------------------------------------------------------------------------
    async def _beep(self) -> None:
        young = self.first_words.young(time.monotonic())
        if self.policy.state in (DialogueState.WAITING_HELLO, DialogueState.IDENTIFY) or self.machine or young:
            self.first_words.machine = True
            await self._greeting_cut_short()
            await self._act(self.policy.machine)

    async def _silence(self) -> None:
        if self._callee_speaking():
            return  # they are talking: not silence
        if self.machine:
            await self._act(self.policy.machine)  # the greeting ended and no beep came: leave the message
            return
        await self._act(self.policy.silence)

    async def _played(self, name: str, played: bool) -> None:
        await self.speaking.played(name, played)
        if played and not self.closing and self.speaking.last_said(name) and not self.machine:
            self._status(Call.AgentStatus.LISTENING)
            self.timer.after(self.timing.answer, self._silence)  # their turn: wait for an answer

    # ---- actions -------------------------------------------------------------------------------------
    async def _act(self, decide: Callable[[], list], answered_at: int | None = None, turn: int | None = None) -> None:
        """Run the policy's decision off the event loop and carry out its actions; `turn`: the callee's turn
        it answers, which is noted with how the policy understood it."""
        async with self._lock:
            if self.closing:
                return
            self._status(Call.AgentStatus.THINKING)
            deciding = asyncio.ensure_future(in_thread(decide))
            if self.speaking.mouth is not None and answered_at is not None:
                done, _ = await asyncio.wait({deciding}, timeout=SLOW_DECISION)
                if not done:  # the calendar is taking its time: say so rather than leave a silence
                    await self._speak(HOLD_ON, answered_at=answered_at)
                    answered_at = None
            actions = await deciding
            if turn is not None:
                self.timer.spawn(self._note_understood(turn))
            if self.policy.state != DialogueState.WAITING_HELLO and not self._offers_ready:
                self._offers_ready = True  # while the greeting plays, work out the times to offer
                self.timer.spawn(in_thread(self.policy.tools.offer, count=3))
                self.speaking.prepare([self.policy.lines.purpose, self.policy.lines.voicemail, HOLD_ON])
            if self.hearing is not None and self.policy.state != DialogueState.WAITING_HELLO:
                self.hearing.endpointer.end_silence = self.timing.end_of_turn
            await self._carry_out(actions, answered_at, turn)

    async def _carry_out(self, actions: list, answered_at: int | None, turn: int | None = None) -> None:
        for action in actions:
            if isinstance(action, Say):
                await self._speak(action.text, answered_at=answered_at)
                answered_at = None
            elif isinstance(action, Hangup):
                await self._finish(action.outcome)
            elif isinstance(action, Transfer):
                await self._finish(Call.Outcome.TRANSFERRED, transfer_to=action.number)
            elif isinstance(action, Wait):  # "hold on": listen on quietly
                self._status(Call.AgentStatus.LISTENING)
                self.timer.after(self.timing.answer, self._silence)
            elif isinstance(action, ModelAnswer):
                await self._model_answer(action, answered_at)
                answered_at = None
            elif isinstance(action, ModelReply):
                await self._model_reply(action.turn, answered_at)
                answered_at = None
                if turn is not None:  # what the model made of it, beside the rules' reading
                    self.timer.spawn(self._note_understood(turn))

    async def _model_reply(self, turn, answered_at: int | None) -> None:
        """The language model's reply, said sentence by sentence as it streams; then the actions it led to. In
        text mode its sentences go with the first scripted line after them, as one turn. A callee who talks
        over it is answered next: the rest of the reply is not said."""
        said: list[str] = []
        while isinstance(part := await in_thread(turn.next_part), str):
            if self.speaking.mouth is None:
                said.append(part)
                continue
            if said and self.speaking.mouth.stopped:
                turn.cancel()
                return
            said.append(part)
            await self._speak(part, answered_at=answered_at)
            answered_at = None
        actions = list(part)
        if self.speaking.mouth is None and said:
            if actions and isinstance(actions[0], Say):
                actions[0] = Say(" ".join([*said, actions[0].text]))
            else:
                actions.insert(0, Say(" ".join(said)))
        await self._carry_out(actions, answered_at)  # what the tools did (a booking, a goodbye) is said

    async def _model_answer(self, action: ModelAnswer, answered_at: int | None) -> None:
        """The speech model answers the callee's last words in its own voice, its words checked as they come;
        where it cannot (none, no room, text mode, words it may not say), the script's line. Then the
        script's question again."""
        speaker = self.speech.speech_to_speech
        samples, self.answering = self.answering, None
        reply = None
        if speaker is not None and samples is not None and self.speaking.mouth is not None:
            reply = await in_thread(speaker.reply, samples)
        if reply is not None:
            how = await self.speaking.say_model_answer(reply, model_words_allowed, answered_at=answered_at)
            if how == "said":
                await self._speak(action.then)
            if how in ("said", "interrupted"):  # talked over: their new words are answered next
                return
            answered_at = None
        await self._speak(action.fallback, answered_at=answered_at)

    async def _note_understood(self, index: int) -> None:
        meant = self.policy.last_understood
        if meant is not None:
            note = getattr(self.policy, "turn_note", "")  # the conducting model's part in the turn
            await self.turns.understood(index, (f"{meant.label} · {note}" if note else meant.label)[:120])

    async def _speak(self, text: str, answered_at: int | None = None, remember: bool = True) -> None:
        if self.speaking.mouth is not None and self._first_moments() and self._callee_speaking():
            self.speaking.hold_back(text)  # never start talking over the first words: say it after them
            return
        await self.speaking.say(text, answered_at=answered_at, remember=remember)

    async def _finish(self, outcome: str, transfer_to: str = "") -> None:
        self.closing = True
        self.timer.cancel()
        await in_thread(
            call_agent_end_record, call_id=self.call.pk, outcome=outcome,
            voicemail_message=self.policy.voicemail_message, machine=self.machine,
        )  # fmt: skip
        await self.speaking.goodbye(transfer_to)

    def _status(self, status: str) -> None:
        """What the agent is doing now, for the Queue page (written and published off the event loop)."""
        status_board().changed(str(self.call.pk), status)


def speech_warm_up() -> None:
    """Load the voice and the recogniser (seconds, once per process), so the first call does not wait."""
    speech_backend().warm_up()
