"""The peer for bench/peer_pipecat.py: a Pipecat pipeline serving the audio fork, built from the agent's own parts
so that only the pipeline differs.

    .venv-pipecat/bin/python bench/pipecat_agent.py --port 8092 [--now ISO]   (the environment as `manage.py agent`)

Ours, wrapped as Pipecat services: the recogniser (pocketsphinx in its worker processes, with the grammar of the
dialogue's state, as `agent/session_hearing.py` asks for it), the Piper voice and its sentence cache, the scripted
dialogue policy and its calendar tools, the turn log the simulator judges. Pipecat's, at its documented defaults:
Silero VAD (confidence 0.7, start 0.2 s, min volume 0.6), the user-turn strategies (a turn starts on voice or a
transcript, and ends when the smart-turn v3 model — shipped in its wheel — calls it complete, or after its 3 s),
interruptions (a user turn that starts while the bot speaks clears the audio: `killAudio`), the segmented
speech-to-text (the utterance with 1 s before it and 0.5 s of silence after) and the output's real-time pacing.
The VAD's end-of-speech wait is ours: 0.2 s for the first hello, 0.35 s after (`agent.session.Timing`).

Not carried over, being the agent's and not the pipeline's: the answering-machine detection, saying again what a
cough cut short, recognising at pauses before the turn ends, "One moment." when the calendar is slow.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issetter.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from loguru import logger  # noqa: E402
from pipecat.audio.vad.silero import SileroVADAnalyzer  # noqa: E402
from pipecat.audio.vad.vad_analyzer import VADParams  # noqa: E402
from pipecat.frames.frames import (  # noqa: E402
    BotStartedSpeakingFrame,
    Frame,
    InputTransportMessageFrame,
    InterruptionFrame,
    StartFrame,
    TranscriptionFrame,
    TTSSpeakFrame,
    UserStartedSpeakingFrame,
    UserStoppedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline  # noqa: E402
from pipecat.pipeline.worker import PipelineParams, PipelineWorker  # noqa: E402
from pipecat.processors.audio.vad_processor import VADProcessor  # noqa: E402
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor  # noqa: E402
from pipecat.transports.websocket.fastapi import FastAPIWebsocketParams, FastAPIWebsocketTransport  # noqa: E402
from pipecat.turns.user_stop.speech_timeout_user_turn_stop_strategy import (  # noqa: E402
    SpeechTimeoutUserTurnStopStrategy,
)
from pipecat.turns.user_turn_processor import UserTurnProcessor  # noqa: E402
from pipecat.turns.user_turn_strategies import UserTurnStrategies  # noqa: E402
from pipecat.workers.runner import WorkerRunner  # noqa: E402
from pipecat_fork import RATE, ForkSerializer, SocketAsStarlette, to_fork  # noqa: E402
from pipecat_services import OurEars, OurVoice, grammar_of  # noqa: E402
from websockets.asyncio.server import serve  # noqa: E402

from agent.dialogue.policy import Hangup, Say, Transfer, Wait  # noqa: E402
from agent.dialogue.states import DialogueState  # noqa: E402
from agent.session import CallSession, Timing, speech_warm_up  # noqa: E402
from agent.session_records import call_load, call_policy, in_thread  # noqa: E402
from agent.session_timer import TurnTimer  # noqa: E402
from agent.session_turns import TurnLog  # noqa: E402
from agent.speech.backend import speech_backend  # noqa: E402
from agent.speech.recognition import Recognition  # noqa: E402
from agent.speech.tts import sentences_of  # noqa: E402
from calls.call_record import call_agent_end_record  # noqa: E402
from calls.models import Call, Turn  # noqa: E402
from calls.telephony.fork_protocol import (  # noqa: E402
    GOODBYE,
    SUBPROTOCOL,
    ForkOpening,
    Message,
    ToAgent,
    ToSwitch,
)
from issetter.pinned_clock import pinned_moment_parse  # noqa: E402

GOODBYE_MARK = "goodbye"
log = logging.getLogger("bench.pipecat_agent")
logger.remove()
logger.add(sys.stderr, level=os.environ.get("PIPECAT_LOG_LEVEL", "WARNING"))


class ScriptedDialogue(FrameProcessor):
    """In the place of an LLM: the user turn Pipecat decided → the agent's scripted policy → one TTSSpeakFrame a
    sentence, then a mark carrying the words (the simulated callee reads them, as from the agent). Keeps the turn
    log as the agent does (the callee's words end where the VAD's stop began; the agent's turn starts with its
    first audio out), the silence waits (from the playout of the last words' mark, as the agent), and the
    goodbye: the mark, then `disconnect` once it played."""

    def __init__(self, *, call, policy, vad: SileroVADAnalyzer, timing: Timing) -> None:
        super().__init__()
        self.call, self.policy, self.vad, self.timing = call, policy, vad, timing
        self.timer = TurnTimer(call.pk)
        self.turns = TurnLog(call.pk, self.timer)
        self.heard: list[Recognition] = []
        self.turn_over = False  # Pipecat ended the user's turn; its transcript may still be on its way
        self.words_ended = self.words_began = 0.0
        self.unspoken: list[str] = []
        self.marks = 0
        self.closing = False
        self.offers_ready = False
        self._lock = asyncio.Lock()
        self._silence_wait: asyncio.Task | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, InputTransportMessageFrame):
            await self._message(frame.message)
            return
        if isinstance(frame, TranscriptionFrame):  # it may come just after the turn's end (the turn processor
            if isinstance(frame.result, Recognition):  # ends the turn on it, then passes it on)
                self.heard.append(frame.result)
            if self.turn_over:
                self._turn_answered()
            return
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._wait_silence(self.timing.hello)
        elif isinstance(frame, UserStartedSpeakingFrame):
            self._quiet()
            self.words_began, self.turn_over = time.monotonic(), False
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self.words_ended = time.monotonic() - frame.stop_secs
        elif isinstance(frame, UserStoppedSpeakingFrame):
            self.turn_over = True
            if self.heard:
                self._turn_answered()
        elif isinstance(frame, BotStartedSpeakingFrame) and self.unspoken:
            at = self.turns.now_ms()
            text, self.unspoken = " ".join(self.unspoken), []
            await self.turns.add(Turn.Speaker.AGENT, text, at, at)
        elif isinstance(frame, InterruptionFrame):
            self.unspoken = []  # what was queued is dropped unsaid

    def _turn_answered(self) -> None:
        heard, self.heard, self.turn_over = self.heard, [], False
        self._spawn(self._answer(heard))

    async def _answer(self, heard: list[Recognition]) -> None:
        ended_ms = round((self.words_ended - self.turns.began) * 1000)
        started_ms = min(ended_ms, round((self.words_began - self.turns.began) * 1000))
        said = " ".join(recognition.understood for recognition in heard if recognition.understood)
        text = " ".join(recognition.text for recognition in heard if recognition.text)
        confidence = min(recognition.confidence for recognition in heard)
        shown = Recognition(text=text, confidence=confidence, open=all(r.open for r in heard))
        await self.turns.add(Turn.Speaker.CALLEE, text, started_ms, ended_ms, shown, wait=False)
        if self.policy.state == DialogueState.WAITING_HELLO:
            await self._act(lambda: self.policy.heard("hello"))
        else:
            await self._act(lambda: self.policy.heard(said, confidence))

    async def _act(self, decide) -> None:
        async with self._lock:
            if self.closing:
                return
            actions = await in_thread(decide)
            if self.policy.state != DialogueState.WAITING_HELLO and not self.offers_ready:
                self.offers_ready = True  # while the greeting plays, the times to offer (as the agent does)
                self.vad.set_params(VADParams(stop_secs=self.timing.end_of_turn))
                self.timer.spawn(in_thread(self.policy.tools.offer, count=3))
            for action in actions:
                if isinstance(action, Say):
                    await self._say(action.text)
                elif isinstance(action, Hangup | Transfer):
                    await self._finish(action)
                elif isinstance(action, Wait):
                    self._wait_silence(self.timing.answer)

    async def _say(self, text: str) -> None:
        self.unspoken.append(text)
        for sentence in sentences_of(text):
            await self.push_frame(TTSSpeakFrame(sentence, append_to_context=False))
        self.marks += 1
        await self.push_frame(to_fork(ToSwitch.MARK, name=f"said-{self.marks}", text=text))

    async def _finish(self, action) -> None:
        self.closing = True
        self._quiet()
        outcome = Call.Outcome.TRANSFERRED if isinstance(action, Transfer) else action.outcome
        await in_thread(
            call_agent_end_record, call_id=self.call.pk, outcome=outcome,
            voicemail_message=self.policy.voicemail_message, machine=False,
        )  # fmt: skip
        if isinstance(action, Transfer):
            await self.push_frame(to_fork(ToSwitch.TRANSFER, number=action.number))
        await self.push_frame(to_fork(ToSwitch.MARK, name=GOODBYE_MARK))

    async def _message(self, text: str) -> None:
        message = Message.decode(text)
        if message is None or message.kind != ToAgent.MARK:
            return  # a beep or a key: the peer has no machine detection nor keys (people only)
        name, played = message.data.get("name"), message.data.get("event") == "playout"
        if played and name == GOODBYE_MARK:
            await self.push_frame(to_fork(ToSwitch.DISCONNECT, urgent=True, reason=GOODBYE))
        elif played and name == f"said-{self.marks}" and not self.closing:
            # the agent's last words have played (the switch says so; Pipecat's BotStoppedSpeaking comes when
            # the words are handed to the transport): their turn, waited for as the agent waits
            self._wait_silence(self.timing.answer)

    def _wait_silence(self, seconds: float) -> None:
        self._quiet()
        self._silence_wait = self._spawn(self._silence_after(seconds))

    def _spawn(self, work) -> asyncio.Task:
        task = asyncio.ensure_future(work)
        task.add_done_callback(_logged)
        return task

    def _quiet(self) -> None:
        if self._silence_wait is not None:
            self._silence_wait.cancel()
            self._silence_wait = None

    async def _silence_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._silence_wait = None
        await self._act(self.policy.silence)

    async def hung_up(self) -> None:
        """The fork closed: as the agent, a callee asked "stop calling you?" who hung up is not called again."""
        self._quiet()
        self.timer.stop()
        if not self.closing and self.policy.state == DialogueState.CONFIRM_OPT_OUT:
            if await in_thread(self.policy.hung_up):
                await in_thread(call_agent_end_record, call_id=self.call.pk, outcome=Call.Outcome.DO_NOT_CALL)
        await in_thread(self.policy.tools.offers_release)


def _logged(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("pipecat agent: %r", task.exception(), exc_info=task.exception())


class PipecatAgent:
    def __init__(self, port: int, clock, turn_end: str = "smart") -> None:
        self.port, self.clock, self.turn_end = port, clock, turn_end
        self.calls = 0

    async def serve(self) -> None:
        await asyncio.to_thread(speech_warm_up)
        SileroVADAnalyzer()  # load the VAD's model once before the first call
        async with serve(self._handle, "127.0.0.1", self.port, subprotocols=[SUBPROTOCOL], compression=None) as server:
            port = next(iter(server.sockets)).getsockname()[1]
            print(f"Pipecat agent: listening on port {port}", flush=True)
            await asyncio.Future()

    async def _handle(self, socket) -> None:
        try:
            opening = ForkOpening.decode(await socket.recv())
            if opening is None or not opening.trusted():
                return
            if opening.prepare:  # the greeting made while it rings, into the same voice cache as the agent's
                await CallSession.prepare(opening.call, clock=self.clock)
                return
            call = await in_thread(call_load, opening.call)
            if call is None or call.status != Call.Status.ANSWERED:
                return
            self.calls += 1
            await self._converse(socket, call)
        except Exception:  # noqa: BLE001 (one call's failure never touches another)
            log.exception("pipecat agent: a call failed")

    async def _converse(self, socket, call) -> None:
        policy, voice_name = await in_thread(call_policy, call, self.clock)
        timing = Timing()
        vad = SileroVADAnalyzer(sample_rate=RATE, params=VADParams(stop_secs=timing.end_of_hello))
        dialogue = ScriptedDialogue(call=call, policy=policy, vad=vad, timing=timing)
        transport = FastAPIWebsocketTransport(
            SocketAsStarlette(socket),
            FastAPIWebsocketParams(
                audio_in_enabled=True,
                audio_in_sample_rate=RATE,
                audio_out_enabled=True,
                audio_out_sample_rate=RATE,
                audio_out_10ms_chunks=2,
                audio_out_end_silence_secs=0,
                serializer=ForkSerializer(),
            ),
        )  # fmt: skip  (20 ms out, as the agent sends; no silence added at the end)
        pipeline = Pipeline([
            transport.input(),
            VADProcessor(vad_analyzer=vad),
            OurEars(grammar_of(policy)),
            UserTurnProcessor(user_turn_strategies=self._turn_strategies()),
            dialogue,
            OurVoice(speech_backend().voice(voice_name)),
            transport.output(),
        ])  # fmt: skip
        worker = PipelineWorker(
            pipeline, params=PipelineParams(audio_in_sample_rate=RATE, audio_out_sample_rate=RATE),
            enable_rtvi=False, idle_timeout_secs=None,
        )  # fmt: skip

        @transport.event_handler("on_client_disconnected")
        async def ended(_transport, _socket) -> None:
            await worker.cancel()

        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        try:
            await runner.run()
        finally:
            await dialogue.hung_up()

    def _turn_strategies(self) -> UserTurnStrategies | None:
        """Pipecat's defaults (smart-turn v3 ends the turn), or `vad`: the turn ends when the VAD's stop does, as
        the agent's does — the pipeline without the turn model."""
        if self.turn_end == "vad":
            return UserTurnStrategies(stop=[SpeechTimeoutUserTurnStopStrategy(user_speech_timeout=0.0)])
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8092)
    parser.add_argument("--now", type=pinned_moment_parse, help="Pin the clock (ISO-8601 with offset).")
    parser.add_argument("--turn-end", choices=("smart", "vad"), default="smart", help="what ends the user's turn")
    options = parser.parse_args()
    pinned = options.now
    logging.basicConfig(level=logging.WARNING)
    clock = (lambda: pinned) if pinned else timezone.now
    asyncio.run(PipecatAgent(options.port, clock, options.turn_end).serve())


if __name__ == "__main__":
    main()
