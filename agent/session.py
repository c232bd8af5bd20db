"""One answered call with the agent: the fork's messages in, the dialogue policy's actions out.

What comes over the fork (its words are defined once, in calls/telephony/fork_protocol.py): the opening
(our call id and its secret); the callee's audio as binary L16 frames — or, in Phonify's text mode, their
words; the telephony listener's word that the switch heard a voicemail beep and the keys the callee
pressed; and the answers to our marks.

With audio (`agent/pipeline/`, and the session's audio side in `session_hearing.py`): the frames go through
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
import base64
import logging
import time
from collections.abc import Callable

from django.utils import timezone

from agent.dialogue.policy import Hangup, Say, Transfer, Wait
from agent.dialogue.states import DialogueState
from agent.dialogue.understanding import sounds_like_machine
from agent.pipeline.hearing import Hearing
from agent.pipeline.recording import CallRecorder
from agent.pipeline.speaking import Mouth
from agent.pipeline.status import status_board
from agent.session_hearing import AudioTurns, speaking_work
from agent.session_records import call_load, call_policy, in_thread, offers_ahead, offers_release, recording_save
from agent.speech.recognizer import Recognition
from agent.speech.recognizers import recognizer_default
from agent.speech.tts import VoiceError, sentences_of, voice_named
from calls.call_record import call_agent_end_record, call_turn_add, call_turn_last_index, call_turn_understood_set
from calls.models import Call, Turn
from calls.telephony.fork_protocol import GOODBYE, KEYS, ForkOpening, MarkEvent, Message, ToAgent, ToSwitch, to_switch

log = logging.getLogger(__name__)

GOODBYE_MARK = "goodbye"
SLOW_DECISION = 0.25  # seconds the policy and its tools may take before the agent says HOLD_ON
HOLD_ON = "One moment."


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
    def __init__(self, socket, call: Call, policy, timing: Timing, voice_name: str = "") -> None:
        self.socket, self.call, self.policy, self.timing = socket, call, policy, timing
        self.voice_name = voice_name
        self.began = time.monotonic()
        self.turns = 0
        self.marks = 0
        self.closing = False
        self.machine = False
        self._timer: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        # audio mode, set up when the first audio frame arrives
        self.hearing: Hearing | None = None
        self.mouth: Mouth | None = None
        self.recorder = CallRecorder()
        self._early: tuple[float, asyncio.Future] | None = None
        self._interrupted: list[str] = []
        self._greeting_unheard = False  # the greeting was held or cut off while the first words went on
        self._offers_ready = False
        self._first_voiced = 0.0  # what the first words said about a machine, added up
        self._first_spotted: set[str] = set()
        self._cut_short: float | None = None  # where the greeting a beep cut short began (kept as a turn once)
        self._writes: dict[int, asyncio.Task] = {}  # turns being saved, by index

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
        session = cls(socket, call, policy, timing or Timing(), voice_name)
        session.turns = await in_thread(
            call_turn_last_index, call_id=call.pk
        )  # a fork that reconnects goes on numbering
        return session

    @classmethod
    async def prepare(cls, call_id: str, *, clock: Callable = timezone.now) -> None:
        """The call is ringing: synthesise its greeting (and the script's purpose line) into the voice's
        cache, so the first answer after "Hello?" waits for nothing."""
        call = await in_thread(call_load, call_id)
        if call is None:
            return
        policy, voice_name = await in_thread(call_policy, call, clock)
        try:
            voice = voice_named(voice_name)
        except VoiceError:
            voice = voice_named("")
        lines = policy.lines
        for text in (f"{lines.greeting} {lines.recording_notice}".strip(), lines.purpose):
            for sentence in sentences_of(text):
                await asyncio.get_running_loop().run_in_executor(speaking_work, voice.audio, sentence)

    async def run(self) -> None:
        self._status(Call.AgentStatus.LISTENING)
        self._wait(self.timing.hello, self._silence)  # greet even if nobody says hello
        try:
            async for message in self.socket:
                if isinstance(message, bytes):
                    if message:
                        self._audio(message)
                    continue
                await self._command(message)
        finally:
            self._cancel_wait()
            for task in self._tasks:
                task.cancel()
            if (
                not self.closing
                and self.policy.state == DialogueState.CONFIRM_OPT_OUT
                and await in_thread(self.policy.hung_up)
            ):
                await in_thread(call_agent_end_record, call_id=self.call.pk, outcome=Call.Outcome.DO_NOT_CALL)
            offers_release(self.policy)
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
        self._cancel_wait()
        index = await self._turn(Turn.Speaker.CALLEE, text)
        if self.policy.state == DialogueState.WAITING_HELLO and sounds_like_machine(text):
            self.machine = True  # a machine's greeting: say nothing over it; the beep (or silence) is the cue
            self._wait(self.timing.beep, self._beep)
            return
        await self._act(lambda: self.policy.heard(text), turn=index)

    async def _pressed(self, key: str) -> None:
        if self.machine:
            return  # a machine's greeting may hold tones: the message is left all the same
        self._cancel_wait()
        if self.mouth is not None:
            await self.mouth.interrupt()  # a key cuts the agent short, as words do
        index = await self._turn(Turn.Speaker.CALLEE, f"(pressed {key})")
        await self._act(lambda: self.policy.pressed(key), turn=index)

    def _spawn(self, work) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("agent: call %s: %r", self.call.pk, task.exception())

    # ---- events --------------------------------------------------------------------------------------
    async def _beep(self) -> None:
        if self.policy.state in (DialogueState.WAITING_HELLO, DialogueState.IDENTIFY) or self.machine or self._young():
            self.machine = True
            await self._greeting_cut_short()
            await self._act(self.policy.machine)

    async def _silence(self) -> None:
        if self.hearing is not None and self.hearing.endpointer.speaking:
            return  # they are talking: not silence
        if self.machine:
            await self._act(self.policy.machine)  # the greeting ended and no beep came: leave the message
            return
        await self._act(self.policy.silence)

    async def _played(self, name: str, played: bool) -> None:
        if self.mouth is not None:
            self.mouth.played(name)
        if not played:
            return
        if name == GOODBYE_MARK:
            await self.socket.send(to_switch(ToSwitch.DISCONNECT, reason=GOODBYE))
        elif not self.closing and name == f"said-{self.marks}" and not self.machine:
            self._status(Call.AgentStatus.LISTENING)
            self._wait(self.timing.answer, self._silence)  # their turn: wait for an answer

    # ---- actions -------------------------------------------------------------------------------------
    async def _act(self, decide: Callable[[], list], answered_at: int | None = None, turn: int | None = None) -> None:
        """Run the policy's decision off the event loop and carry out its actions; `turn`: the callee's turn
        it answers, which is noted with how the policy understood it."""
        async with self._lock:
            if self.closing:
                return
            self._status(Call.AgentStatus.THINKING)
            deciding = asyncio.ensure_future(in_thread(decide))
            if self.mouth is not None and answered_at is not None:
                done, _ = await asyncio.wait({deciding}, timeout=SLOW_DECISION)
                if not done:  # the calendar is taking its time: say so rather than leave a silence
                    await self._speak(HOLD_ON, answered_at=answered_at)
                    answered_at = None
            actions = await deciding
            if turn is not None:
                self._spawn(self._note_understood(turn))
            if self.policy.state != DialogueState.WAITING_HELLO and not self._offers_ready:
                self._offers_ready = True  # while the greeting plays, work out the times to offer
                self._spawn(in_thread(offers_ahead, self.policy))
                if self.mouth is not None:
                    self.mouth.prepare([self.policy.lines.purpose, self.policy.lines.voicemail, HOLD_ON])
            if self.hearing is not None and self.policy.state != DialogueState.WAITING_HELLO:
                self.hearing.endpointer.end_silence = self.timing.end_of_turn
            for action in actions:
                if isinstance(action, Say):
                    await self._speak(action.text, answered_at=answered_at)
                    answered_at = None
                elif isinstance(action, Hangup):
                    await self._finish(action.outcome)
                elif isinstance(action, Transfer):
                    await self._finish("transferred", transfer_to=action.number)
                elif isinstance(action, Wait):  # "hold on": listen on quietly
                    self._status(Call.AgentStatus.LISTENING)
                    self._wait(self.timing.answer, self._silence)

    async def _note_understood(self, index: int) -> None:
        meant = getattr(self.policy, "last_understood", None)
        if meant is None:
            return
        written = self._writes.get(index)
        if written is not None:
            await asyncio.wait({written})
        await in_thread(call_turn_understood_set, call_id=self.call.pk, index=index, understood=meant.label)

    async def _speak(self, text: str, answered_at: int | None = None, remember: bool = True) -> None:
        if self.mouth is None:  # text mode
            self._status(Call.AgentStatus.VOICEMAIL if self.machine else Call.AgentStatus.SPEAKING)
            await self._turn(Turn.Speaker.AGENT, text)
            play = {"audioContentType": "raw", "sampleRate": 16000, "audioContent": _pause(), "textContent": text}
            await self.socket.send(to_switch(ToSwitch.PLAY_AUDIO, **play))
        elif self._first_moments() and self._callee_speaking():
            self._interrupted = sentences_of(text)  # never start talking over the first words: say it after them
            self._greeting_unheard = True
            return
        else:
            self._status(Call.AgentStatus.VOICEMAIL if self.machine else Call.AgentStatus.SPEAKING)
            first_sent = await self.mouth.say(text)
            at = round(((first_sent or time.monotonic()) - self.began) * 1000)
            if answered_at is not None and first_sent is not None:
                log.info("agent: answered %d ms after the turn ended", at - answered_at)
            if remember:
                await self._turn(Turn.Speaker.AGENT, text, at, at)
        self.marks += 1  # the mark carries the words (a switch ignores them; a simulated callee understands them)
        await self.socket.send(to_switch(ToSwitch.MARK, name=f"said-{self.marks}", text=text))

    async def _finish(self, outcome: str, transfer_to: str = "") -> None:
        self.closing = True
        self._cancel_wait()
        await in_thread(
            call_agent_end_record, call_id=self.call.pk, outcome=outcome,
            voicemail_message=self.policy.voicemail_message, machine=self.machine,
        )  # fmt: skip
        if transfer_to:
            self._status("")  # off the call: it goes on without the agent
            await self.socket.send(to_switch(ToSwitch.TRANSFER, number=transfer_to))
        await self.socket.send(to_switch(ToSwitch.MARK, name=GOODBYE_MARK))

    async def _turn(
        self, speaker: str, text: str, started_ms: int | None = None, ended_ms: int | None = None,
        recognition: Recognition | None = None, wait: bool = True,
    ) -> int:  # fmt: skip
        """Save a turn (numbered now, in the order things happened); `wait=False` saves it alongside
        whatever comes next (the callee's words need not be in the database before the agent answers)."""
        self.turns += 1
        index = self.turns
        at = round((time.monotonic() - self.began) * 1000)
        started_ms = at if started_ms is None else started_ms
        ended_ms = at if ended_ms is None else ended_ms
        confidence = recognition.confidence if recognition is not None else None
        if recognition is not None and not recognition.text:
            text = "(not understood)"
        elif recognition is not None and not recognition.understood:
            text = f"({text}?)"  # kept for review, marked as a guess the agent did not act on
        write = in_thread(
            call_turn_add, call_id=self.call.pk, index=index, speaker=speaker, text=text, started_ms=started_ms,
            ended_ms=ended_ms, confidence=confidence,
        )  # fmt: skip
        if wait:
            await write
        else:
            self._writes[index] = self._spawn(write)
            self._writes[index].add_done_callback(lambda _: self._writes.pop(index, None))
        return index

    def _status(self, status: str) -> None:
        """What the agent is doing now, for the Queue page (written and published off the event loop)."""
        status_board().changed(str(self.call.pk), status)

    # ---- waiting -------------------------------------------------------------------------------------
    def _wait(self, seconds: float, then: Callable) -> None:
        self._cancel_wait()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(seconds, lambda: self._spawn(then()))

    def _wait_quiet(self, seconds: float, then: Callable) -> None:
        """Like `_wait`, but only if the callee is not talking by then (they may have started while the
        decision to wait was being made, after the start of their words cancelled the waits)."""

        async def unless_talking() -> None:
            if not self._callee_speaking():
                await then()

        self._wait(seconds, unless_talking)

    def _cancel_wait(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _pause() -> str:
    """20 ms of silence: text mode carries the words in `textContent`."""
    return base64.b64encode(bytes(640)).decode()


def speech_warm_up() -> None:
    """Load the bundled voice and a recogniser on each recognition thread (seconds, once per process),
    so the first call does not wait for them."""
    voice_named("")
    recognizer_default().warm_up()
