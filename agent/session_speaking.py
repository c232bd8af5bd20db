"""A call session's speaking side: what the agent says goes out as audio sentence by sentence (`Mouth`) or,
in Phonify's text mode, as words; each thing said is a turn and ends with a mark that carries its words.
It keeps what a barge-in cut short (said again after a cough or an "mm-hm"), holds the greeting back while
the first words are still going on, and says goodbye: the goodbye mark, then `disconnect` once it played."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable

from agent.dialogue.model_answers import SAID_BY_THE_MODEL
from agent.pipeline.machine import FirstWords
from agent.pipeline.speaking import Mouth
from agent.session_turns import TurnLog
from agent.speech.tts import sentences_of
from calls.models import Call, Turn
from calls.telephony.fork_protocol import GOODBYE, ToSwitch, to_switch

log = logging.getLogger("agent.session")

GOODBYE_MARK = "goodbye"
TEXT_RATE = 16000


class SpeakingSide:
    def __init__(self, socket, turns: TurnLog, first_words: FirstWords, status: Callable[[str], None]) -> None:
        self.socket, self.turns, self.first_words, self.status = socket, turns, first_words, status
        self.mouth: Mouth | None = None  # set when the first audio arrives; None in text mode
        self.marks = 0
        self.interrupted: list[str] = []  # the sentences a barge-in cut short (or the greeting held back)
        self.greeting_unheard = False  # the greeting was held or cut off while the first words went on

    @property
    def playing(self) -> bool:
        return self.mouth is not None and self.mouth.playing

    def prepare(self, texts: list[str]) -> None:
        if self.mouth is not None:
            self.mouth.prepare(texts)

    def hold_back(self, text: str) -> None:
        """Never start talking over the first words: say it after them."""
        self.interrupted = sentences_of(text)
        self.greeting_unheard = True

    async def say(self, text: str, answered_at: int | None = None, remember: bool = True) -> None:
        """Say `text`; `answered_at`: the end of the callee's turn it answers (ms), for the latency log line;
        `remember=False` says it again without a new turn (what a cough cut short)."""
        self.status(Call.AgentStatus.VOICEMAIL if self.first_words.machine else Call.AgentStatus.SPEAKING)
        if self.mouth is None:  # text mode
            await self.turns.add(Turn.Speaker.AGENT, text)
            play = {"audioContentType": "raw", "sampleRate": TEXT_RATE, "audioContent": _pause(), "textContent": text}
            await self.socket.send(to_switch(ToSwitch.PLAY_AUDIO, **play))
        else:
            first_sent = await self.mouth.say(text)
            at = round(((first_sent or time.monotonic()) - self.turns.began) * 1000)
            if answered_at is not None and first_sent is not None:
                log.info("agent: answered %d ms after the turn ended", at - answered_at)
            if remember:
                await self.turns.add(Turn.Speaker.AGENT, text, at, at)
        self.marks += 1  # the mark carries the words (a switch ignores them; a simulated callee understands them)
        await self.socket.send(to_switch(ToSwitch.MARK, name=f"said-{self.marks}", text=text))

    async def say_model_answer(self, reply, allowed, answered_at: int | None = None) -> str:
        """Play the speech model's reply as it comes, its words checked before each piece of audio goes out.
        "said"; "stopped" (words it may not say, a failure: the script's line is owed); "interrupted" (the
        callee talked over it: they are answered next). What it had said stays on the transcript, marked."""
        self.status(Call.AgentStatus.SPEAKING)
        self.mouth.begin()
        events, words, first_sent = iter(reply), "", None
        loop = asyncio.get_running_loop()
        while True:
            kind, value = await loop.run_in_executor(None, next, events)
            if kind == "text":
                if not allowed(value):
                    log.warning("agent: the speech model's words were stopped: %r", value)
                    break
                words = value
            elif kind == "audio" and len(value):
                if self.mouth.stopped:
                    break
                sent = await self.mouth.play(value, words)
                first_sent = first_sent or sent
            elif kind in ("end", "error"):
                if kind == "error":
                    log.warning("agent: the speech model failed: %s", value)
                else:
                    words = value
                break
        finished = kind == "end" and not self.mouth.stopped
        if not finished:
            reply.cancel()
            if first_sent is not None and not self.mouth.stopped:
                await self.mouth.interrupt()
        if first_sent is not None:
            at = round((first_sent - self.turns.began) * 1000)
            if answered_at is not None:
                log.info("agent: answered %d ms after the turn ended (the speech model)", at - answered_at)
            index = await self.turns.add(Turn.Speaker.AGENT, words or "(the speech model's words)", at, at)
            await self.turns.understood(index, SAID_BY_THE_MODEL)
        if finished:
            return "said"
        return "interrupted" if self.mouth.stopped else "stopped"

    def last_said(self, mark: str) -> bool:
        """The mark is the one after the agent's latest words: they have all played."""
        return mark == f"said-{self.marks}"

    async def cut_short(self, first_moments: bool) -> None:
        """The callee talked over the agent: stop now, keep what was not said."""
        self.interrupted = await self.mouth.interrupt() or self.interrupted
        self.status(Call.AgentStatus.LISTENING)
        if first_moments:
            self.greeting_unheard = True  # they (or their machine) went on talking: the greeting was not heard

    async def stop(self) -> None:
        """Stop talking (a key was pressed, a machine was heard)."""
        if self.playing:
            await self.mouth.interrupt()

    async def say_unfinished(self, remember: bool = True) -> None:
        """Say again what was cut short (once), unless the callee turned out to be a machine."""
        unfinished, self.interrupted = self.interrupted, []
        self.greeting_unheard = False
        if unfinished and not self.first_words.machine:
            await self.say(" ".join(unfinished), remember=remember)

    def heard_out(self) -> None:
        """The callee said something the agent answers: nothing cut short is owed any more."""
        self.interrupted, self.greeting_unheard = [], False

    async def goodbye(self, transfer_to: str = "") -> None:
        """The agent's last words are on their way: put the callee through (if asked), then the goodbye mark,
        on whose playout the agent disconnects (`played`)."""
        if transfer_to:
            self.status("")  # off the call: it goes on without the agent
            await self.socket.send(to_switch(ToSwitch.TRANSFER, number=transfer_to))
        await self.socket.send(to_switch(ToSwitch.MARK, name=GOODBYE_MARK))

    async def played(self, mark: str, played: bool) -> None:
        if self.mouth is not None:
            self.mouth.played(mark)
        if played and mark == GOODBYE_MARK:
            await self.socket.send(to_switch(ToSwitch.DISCONNECT, reason=GOODBYE))


def _pause() -> str:
    """20 ms of silence: text mode carries the words in `textContent`."""
    return base64.b64encode(bytes(640)).decode()
