"""A stand-in agent that talks over real audio: it hears the callee with a VAD on the fork's frames and
answers each utterance with its next line, synthesised and sent back as playAudio (16 kHz raw), followed
by a mark carrying the line's words where `marks` is set (as the product's agent does)."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import numpy as np
import webrtcvad

from phonify.voice import synthesize
from tests.phonify.conftest import fork_server

QUIET_FRAMES_THAT_END = 25  # 500 ms


class SpeakingAgent:
    def __init__(
        self, lines: list, *, speak_first: bool = False, kill_on_speech: bool = False, marks: bool = False
    ) -> None:
        self.lines = list(lines)
        self.speak_first, self.kill_on_speech, self.marks = speak_first, kill_on_speech, marks
        self.utterances: list[float] = []  # when each callee utterance ended (monotonic)
        self.callee_audio = bytearray()
        self.sent_lines: list[tuple[float, float, str]] = []  # (sent at, seconds long, text)
        self.kills: list[float] = []
        self.speaking_until = 0.0
        self.port = fork_server(self.conversation)

    async def conversation(self, socket) -> None:
        await socket.recv()  # metadata
        if self.speak_first:
            await self._say(socket)
        vad, voiced, quiet, in_speech = webrtcvad.Vad(2), 0, 0, False
        async for frame in socket:
            if not isinstance(frame, bytes) or not frame:
                continue
            self.callee_audio.extend(frame)
            speech = vad.is_speech(frame, 16000)
            voiced = voiced + 1 if speech else 0
            quiet = 0 if speech else quiet + 1
            if not in_speech and voiced >= 3:
                in_speech = True
                if self.kill_on_speech and time.time() < self.speaking_until:
                    await socket.send(json.dumps({"type": "killAudio"}))  # barge-in: stop talking, listen
                    self.kills.append(time.time())
                    self.speaking_until = 0.0
            elif in_speech and quiet >= QUIET_FRAMES_THAT_END:
                in_speech = False
                self.utterances.append(time.time())
                await self._say(socket)

    async def _say(self, socket) -> None:
        """Speak the next line; a list of lines is said one after another with a pause between."""
        if not self.lines:
            return
        step = self.lines.pop(0)
        for position, text in enumerate([step] if isinstance(step, str) else step):
            if position:
                await asyncio.sleep(self.speaking_until - time.time() + 1.2)
            await self._play(socket, text)

    async def _play(self, socket, text: str) -> None:
        audio = await asyncio.get_running_loop().run_in_executor(None, synthesize, text)
        content = base64.b64encode(audio.tobytes()).decode()
        play = {"audioContentType": "raw", "sampleRate": 16000, "audioContent": content, "textContent": text}
        await socket.send(json.dumps({"type": "playAudio", "data": play}))
        if self.marks:  # the words of the audio before it, as our agent marks them
            mark = {"name": f"line-{len(self.sent_lines)}", "text": text}
            await socket.send(json.dumps({"type": "mark", "data": mark}))
        seconds = len(audio) / 16000
        self.sent_lines.append((time.time(), seconds, text))
        self.speaking_until = time.time() + seconds

    def callee_speech_seconds(self) -> float:
        samples = np.frombuffer(bytes(self.callee_audio), np.int16)
        vad = webrtcvad.Vad(2)
        return (
            sum(vad.is_speech(samples[i : i + 320].tobytes(), 16000) for i in range(0, len(samples) - 320, 320)) * 0.02
        )
