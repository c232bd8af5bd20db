"""One answered call with the agent: the fork's messages in, the dialogue policy's actions out.

What comes over the fork: the metadata frame (our call id), the callee's audio (binary L16 frames; the
audio pipeline) or, in Phonify's text mode, their words ({"type": "phonify.speech"}); the telephony
listener's word that the switch heard a voicemail beep ({"type": "machine.beep"}); and the answers to our
marks. What goes back: `playAudio` (with its `textContent`), a mark after each utterance, and — when the
policy hangs up — `disconnect` once the last words have played, on which the listener ends the call.

Every turn is saved on the Call as it happens; the outcome and any voicemail message when the policy
decides them. The policy and its tools run on a worker thread (they use the database); one call's
failure closes only its own socket.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from agent.dialogue.policy import Hangup, Say, ScriptedPolicy, Transfer
from agent.dialogue.understanding import sounds_like_machine
from agent.models import Script
from agent.script_lines import lines_for
from agent.tools import CallTools
from calls.models import Call, Turn
from calls.services import customer_profile_refresh

log = logging.getLogger(__name__)

SPEECH = "phonify.speech"
BEEP = "machine.beep"
GOODBYE_MARK = "goodbye"


class Timing:
    """How long the agent waits: for a first hello, for an answer, for the beep after a machine's greeting."""

    def __init__(self, hello: float = 2.0, answer: float = 6.0, beep: float = 4.0) -> None:
        self.hello, self.answer, self.beep = hello, answer, beep


class CallSession:
    def __init__(self, socket, call: Call, policy: ScriptedPolicy, timing: Timing) -> None:
        self.socket, self.call, self.policy, self.timing = socket, call, policy, timing
        self.began = time.monotonic()
        self.turns = 0
        self.marks = 0
        self.closing = False
        self.machine = False
        self._timer: asyncio.TimerHandle | None = None
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, socket, metadata: dict, *, clock: Callable = timezone.now, timing: Timing | None = None):
        call = await _in_thread(_load_call, str(metadata.get("call", "")))
        if call is None:
            return None
        policy = await _in_thread(_policy_for, call, clock)
        return cls(socket, call, policy, timing or Timing())

    async def run(self) -> None:
        self._wait(self.timing.hello, self._silence)  # greet even if nobody says hello
        async for message in self.socket:
            if isinstance(message, bytes):
                continue  # the callee's audio: the speech pipeline's (text mode sends words instead)
            try:
                command = json.loads(message)
            except ValueError:
                continue
            kind = command.get("type")
            if kind == SPEECH:
                await self._heard(str(command.get("text", "")))
            elif kind == BEEP:
                await self._act(self.policy.machine)
            elif kind == "mark" and (command.get("data") or {}).get("event") == "playout":
                await self._played((command.get("data") or {}).get("name", ""))
        self._cancel_wait()

    # ---- events ------------------------------------------------------------------------------------
    async def _heard(self, text: str) -> None:
        self._cancel_wait()
        await self._turn(Turn.Speaker.CALLEE, text)
        if self.policy.state == "waiting_hello" and sounds_like_machine(text):
            self.machine = True  # a machine's greeting: say nothing over it; the beep (or silence) is the cue
            self._wait(self.timing.beep, lambda: self._act(self.policy.machine))
            return
        await self._act(lambda: self.policy.heard(text))

    async def _silence(self) -> None:
        await self._act(self.policy.silence)

    async def _played(self, name: str) -> None:
        if name == GOODBYE_MARK:
            await self.socket.send(json.dumps({"type": "disconnect"}))
        elif not self.closing and name == f"said-{self.marks}":
            self._wait(self.timing.answer, self._silence)  # their turn: wait for an answer

    # ---- actions -----------------------------------------------------------------------------------
    async def _act(self, decide: Callable[[], list]) -> None:
        async with self._lock:
            if self.closing:
                return
            actions = await _in_thread(decide)
            for action in actions:
                if isinstance(action, Say):
                    await self._say(action.text)
                elif isinstance(action, Hangup):
                    await self._finish(action.outcome)
                elif isinstance(action, Transfer):
                    await self._finish("transferred", transfer_to=action.number)

    async def _say(self, text: str) -> None:
        await self._turn(Turn.Speaker.AGENT, text)
        play = {"audioContentType": "raw", "sampleRate": 16000, "audioContent": _pause(), "textContent": text}
        await self.socket.send(json.dumps({"type": "playAudio", "data": play}))
        self.marks += 1
        await self.socket.send(json.dumps({"type": "mark", "data": {"name": f"said-{self.marks}"}}))

    async def _finish(self, outcome: str, transfer_to: str = "") -> None:
        self.closing = True
        self._cancel_wait()
        await _in_thread(
            _record_end, self.call.pk, self.call.customer_id, outcome, self.policy.voicemail_message, self.machine
        )
        if transfer_to:
            await self.socket.send(json.dumps({"type": "transfer", "data": {"number": transfer_to}}))
        await self.socket.send(json.dumps({"type": "mark", "data": {"name": GOODBYE_MARK}}))

    async def _turn(self, speaker: str, text: str) -> None:
        self.turns += 1
        at = round((time.monotonic() - self.began) * 1000)
        await _in_thread(_record_turn, self.call.pk, self.turns, speaker, text, at)

    # ---- waiting -----------------------------------------------------------------------------------
    def _wait(self, seconds: float, then: Callable) -> None:
        self._cancel_wait()
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(seconds, lambda: loop.create_task(then()))

    def _cancel_wait(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


def _pause() -> str:
    """20 ms of silence: text mode carries the words in `textContent`; the audio pipeline sends speech."""
    return base64.b64encode(bytes(640)).decode()


async def _in_thread(work: Callable, *args):
    """Database work off the event loop, on a worker thread that gives its connection back afterwards (the
    pool's threads outlive calls; a connection left open per thread would outlive them too)."""

    def run():
        try:
            return work(*args)
        finally:
            connection.close()

    return await asyncio.to_thread(run)


def _load_call(call_id: str) -> Call | None:
    return Call.objects.select_related("customer", "office", "script", "dial_run").filter(pk=call_id).first()


def _policy_for(call: Call, clock: Callable) -> ScriptedPolicy:
    script = (
        call.script or Script.objects.filter(office=call.office, is_default=True).first() or Script(office=call.office)
    )
    tools = CallTools(call=call, script=script, clock=clock)
    return ScriptedPolicy(lines=lines_for(script=script, customer=call.customer, office=call.office), tools=tools)


def _record_turn(call_id, index: int, speaker: str, text: str, at_ms: int) -> None:
    Turn.objects.create(call_id=call_id, index=index, speaker=speaker, text=text, started_ms=at_ms, ended_ms=at_ms)


def _record_end(call_id, customer_id: int, outcome: str, voicemail_message: str, machine: bool) -> None:
    fields: dict = {}
    if outcome and outcome != Call.Outcome.CALLBACK:  # a callback's outcome is written with its queue entry
        fields["outcome"] = outcome
    if voicemail_message:
        fields |= {"voicemail_message": voicemail_message, "answered_by": Call.AnsweredBy.MACHINE}
    elif machine:
        fields["answered_by"] = Call.AnsweredBy.MACHINE
    if fields:
        Call.objects.filter(pk=call_id).update(**fields)
    customer_profile_refresh(customer_id=customer_id)  # in case the call's end was recorded first
