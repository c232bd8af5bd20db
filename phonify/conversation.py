"""What a persona says and hears on a call, in text mode (Switch(text_mode=True) / `phonify --text`).

The callee's words go to the agent as text frames {"type": "phonify.speech", "text": …} over the audio
fork; the agent speaks with the playAudio message it uses with audio, whose "textContent" the persona
reads. A human persona greets, then says each turn after the agent has spoken (and, with after_hearing,
only once the agent said one of those words); a voicemail box plays its greeting, beeps, and keeps what
is said after the beep. Everything said is kept on the channel's transcript.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING

from phonify.channel import Channel

if TYPE_CHECKING:
    from phonify.audio_fork import AudioFork

SPEECH_TYPE = "phonify.speech"
REPLY_PAUSE = 0.3  # seconds a person waits after the agent stops before answering


class Conversation:
    def __init__(self, fork: AudioFork, channel: Channel) -> None:
        self.fork, self.channel, self.persona = fork, channel, channel.persona
        self.heard_since_turn = ""
        self.next_turn = 0
        self.agent_spoke = asyncio.Event()

    async def run(self) -> None:
        if self.persona is None:
            return
        await self.fork.switch.wait(REPLY_PAUSE)
        await self.say(self.persona.greeting)
        if self.persona.answer == "voicemail":
            return  # a machine says nothing more; the call beeps after the greeting and it records what follows
        while self.next_turn < len(self.persona.turns) and self.channel.alive:
            await self.agent_spoke.wait()
            self.agent_spoke.clear()
            turn = self.persona.turns[self.next_turn]
            heard = self.heard_since_turn.lower()
            if turn.after_hearing and not any(word.lower() in heard for word in turn.after_hearing):
                continue  # not yet: wait for the agent to say what this turn answers
            await self.fork.switch.wait(REPLY_PAUSE)
            self.heard_since_turn = ""
            self.next_turn += 1
            await self.say(turn.say)

    async def say(self, text: str) -> None:
        if not self.channel.alive:
            return
        self.channel.transcript.append({"speaker": "callee", "text": text, "at": time.time()})
        await self.fork.send_text(json.dumps({"type": SPEECH_TYPE, "text": text}))

    def agent_said(self, text: str) -> None:
        if not text:
            return
        self.channel.transcript.append({"speaker": "agent", "text": text, "at": time.time()})
        if self.channel.beeped:
            self.channel.voicemail_recording.append(text)
        self.heard_since_turn += " " + text
        self.agent_spoke.set()
