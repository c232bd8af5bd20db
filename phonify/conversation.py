"""A persona's side of an answered call: greet, then say each turn when its moment comes.

The flow is one (`Conversation`); how words travel is the subclass:
- `SpokenConversation` (the default): the persona speaks with synthesised audio into the call from the
  moment it answers, whether or not an audio fork listens, and hears the agent through an `Ear` on the
  audio the agent plays (voice activity for when it starts and stops, recognition for `after_hearing`).
  A voicemail box plays its greeting and beep; what is said after the beep is transcribed at hangup.
- `TextConversation` (`--text`): no audio. The persona's words go to the agent as text frames
  {"type": "phonify.speech", "text": …} over the fork; the agent speaks with the `playAudio` message it
  uses with audio, whose "textContent" the persona reads. The switch times the voicemail beep.

A turn waits for the agent to finish speaking (with `after_hearing`, until the agent has said one of
those words); the turn at `barge_in_at` is said while the agent is still talking. Everything said is kept
on the channel's transcript.

A speaking persona asked to repeat ("Sorry, I didn't quite catch that. …") says its last words once more,
more slowly, as people do on a bad line; a text persona does not (the same text would be understood the same
way). Which of the persona's turns each of its utterances said is kept on the channel (`said_turns`), so
the simulation's judge labels a repeated turn with its own intent.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING

from phonify import voice
from phonify.channel import Channel
from phonify.checks_heard import KEYS_SPOKEN, STOP_ASKED, check_reply, key_for, stop_reply
from phonify.checks_heard import LISTEN_FOR as CHECK_WORDS
from phonify.fork_words import SPEECH
from phonify.hearing import Ear, Heard
from phonify.offers_heard import SaidTime, filled, reply_to, taken, times_offered
from phonify.telephone_line import through_the_line

if TYPE_CHECKING:
    from phonify.audio_fork import AudioFork
    from phonify.switch_side import CallerSwitch

REPLY_PAUSE = 0.3  # seconds a person waits after the agent stops before answering
HELLO_DELAY = 0.8  # seconds between picking up and the first words
BARGE_IN_AFTER = 1.0  # seconds of the agent's speech before a barging persona talks over it
ANSWERS_AFTER_TURNS = 6  # answers to the agent's questions about times once a persona's own turns are said
ASKED_TO_REPEAT = "didn't quite catch"  # the agent's words when it did not understand the last answer
SLOWER_WHEN_REPEATING = 0.85  # a repeat's speed, relative to the persona's own


class Conversation:
    first_words_after = REPLY_PAUSE
    repeats_when_not_understood = False

    def __init__(self, switch: CallerSwitch, channel: Channel) -> None:
        self.switch, self.channel, self.persona = switch, channel, channel.persona
        self.intents = {turn.intent for turn in self.persona.turns} if self.persona else set()  # what it means
        self.heard: list[Heard] = []  # what the agent said since the persona's last turn
        self.next_turn = 0
        self.last_words: tuple[str, int | None] | None = None  # what it said last, and the turn it was
        self.repeated = False  # whether it has said those words again already
        self.offers: list[SaidTime] = []  # the last times the agent said
        self.first_offers: list[SaidTime] = []  # the first it said (an `accepts` window {offer: 2} is the 2nd)
        self.agent_started = asyncio.Event()
        self.agent_stopped = asyncio.Event()
        channel.conversation = self

    async def run(self) -> None:
        if self.persona is None:
            return
        ready = asyncio.ensure_future(self.prepare(self.persona.greeting))  # a machine's greeting is recorded
        await self.switch.wait(self.first_words_after)
        await ready
        await self.say(self.persona.greeting)
        if self.persona.answer == "voicemail":
            await self.after_greeting()
            return
        turns = self.persona.turns
        while self.next_turn < len(turns) and self.channel.alive:
            turn = turns[self.next_turn]
            barging = self.next_turn == self.persona.barge_in_at
            await (self.moment_to_barge_in() if barging else self._wait(self.agent_stopped))
            if not self.channel.alive:
                return
            if not barging and (await self._repeated_when_asked() or await self._stop_question_answered(turn)):
                continue
            if turn.after_hearing and not any(h.contains(word) for h in self.heard for word in turn.after_hearing):
                continue  # not yet: wait for the agent to say what this turn answers
            if not barging:
                await self.switch.wait(REPLY_PAUSE)
            self.heard = []
            self.next_turn += 1
            if turn.say:
                await self.say(self._words(turn), barge_in=barging, turn=self.next_turn - 1)
            for key in turn.press:
                self._press(key, turn=self.next_turn - 1)
        await self._answer_after_turns()

    def _words(self, turn) -> str:
        """The turn's words, its placeholders filled from the last times offered; a turn that picks one
        of them makes that time one the persona accepts."""
        words, complete = filled(turn.say, self.offers)
        if turn.pick is None:
            return words
        if not complete or turn.pick > len(self.offers):  # fewer times offered than the words need
            if not self.offers:
                return words
            words, pick = "The first one, please.", 1
        else:
            pick = turn.pick
        self.channel.picked.append(self.offers[pick - 1].key())
        return words

    def _accepts(self) -> list[dict]:
        """The windows of times it accepts, with {offer: N} made the N-th time first offered."""
        windows = [{"pick": key} for key in self.channel.picked]
        for window in self.persona.accepts:
            if "offer" not in window:
                windows.append(window)
            elif 0 < int(window["offer"]) <= len(self.first_offers):
                key = self.first_offers[int(window["offer"]) - 1].key()
                windows.append({"pick": key})
                if key not in self.channel.picked:
                    self.channel.picked.append(key)
        return windows

    async def _answer_after_turns(self) -> None:
        """Its own turns said, the persona answers the agent's questions: "Did you say …?" and "Would you
        like us to stop calling you?" as its turns meant them, and questions about times as its wishes say:
        yes to a time it accepts, no to one it does not, and which of several it wants."""
        answered = 0
        while answered < ANSWERS_AFTER_TURNS and self.channel.alive:
            await self._wait(self.agent_stopped)
            if not self.channel.alive or not self.heard:
                return
            heard = self.heard[-1]
            words = heard.text
            if taken(words) and self.channel.picked and self.offers:  # its time has gone: it takes the next one
                self.channel.picked.append(self.offers[0].key())
            reply = (
                check_reply(heard, self.intents)
                or stop_reply(heard, self.intents)
                or reply_to(words, self._accepts(), today=self.switch.today)
            )
            if reply is None:
                await self._repeated_when_asked()
                continue
            answered += 1
            await self._answer(heard, reply)

    async def _stop_question_answered(self, turn) -> bool:
        """The agent asked "Would you like us to stop calling you?" and the next turn is no answer to it: the
        person answers it (yes if they meant to opt out, else no) before going on."""
        if not self.heard or STOP_ASKED in turn.after_hearing:
            return False
        heard = self.heard[-1]
        reply = stop_reply(heard, self.intents)
        if reply is None:
            return False
        await self._answer(heard, reply)
        return True

    async def _answer(self, heard: Heard, reply: str) -> None:
        """Answer what the agent just said (`heard`): with a key where it offered keys for a yes or a no and
        the person presses keys, else in words."""
        await self._reply_pause()
        key = key_for(heard, reply) if self.persona.presses_keys else None
        if key is not None:
            self._press(key)
        else:
            await self.say(reply)

    def _press(self, key: str, turn: int | None = None) -> None:
        self.channel.said_turns.append(turn)  # the agent keeps a key as a turn of the callee's
        self.switch.key_pressed(self.channel, key)

    async def _repeated_when_asked(self) -> bool:
        """The agent asked to hear the last words again: say them again (once), more slowly."""
        asked = self.heard and self.heard[-1].contains(ASKED_TO_REPEAT)
        if not (self.repeats_when_not_understood and asked and self.last_words and not self.repeated):
            return False
        await self._reply_pause()
        words, turn = self.last_words
        await self.say(words, turn=turn, again=True)
        return True

    async def _reply_pause(self) -> None:
        """The moment a person takes before answering what the agent said (which it then has answered)."""
        await self.switch.wait(REPLY_PAUSE)
        self.heard = []

    async def _wait(self, event: asyncio.Event) -> None:
        await event.wait()
        event.clear()

    async def moment_to_barge_in(self) -> None:
        await self._wait(self.agent_stopped)

    async def say(self, text: str, barge_in: bool = False, turn: int | None = None, again: bool = False) -> None:
        """Say `text`: its turn number `turn`, or (None) its greeting or an answer after its turns."""
        if not self.channel.alive or not text:
            return
        self.agent_started.clear()  # what the agent says next starts after this (a barge-in waits for it)
        entry = {"speaker": "callee", "text": text, "at": time.time()}
        self.channel.transcript.append({**entry, "barge_in": True} if barge_in else entry)
        self.channel.said_turns.append(turn)
        self.last_words, self.repeated = (text, turn), again
        await self.speak(text, slower=again)

    async def speak(self, text: str, slower: bool = False) -> None:
        raise NotImplementedError

    async def prepare(self, text: str) -> None:
        """Get ready to say `text` (a person knows their hello; a machine has its greeting recorded)."""

    async def after_greeting(self) -> None:
        """A voicemail box after its greeting (the text mode's switch beeps by the clock)."""

    def agent_said(self, heard: Heard, started_at: float | None = None) -> None:
        """The agent finished saying something (started at `started_at` on the call's clock)."""
        entry = {"speaker": "agent", "text": heard.text, "at": time.time()}
        self.channel.transcript.append({**entry, "spotted": sorted(heard.spotted)} if heard.spotted else entry)
        beeped_at = self.channel.beeped_at
        if beeped_at is not None and (started_at is None or started_at >= beeped_at - 0.25):
            self.channel.voicemail_recording.append(heard.text)  # the message left on the machine
            self.channel.voicemail_spotted.update(heard.spotted)
        self.heard.append(heard)
        offered = times_offered(heard.text, self.switch.today)
        if offered:
            self.offers = offered
            self.first_offers = self.first_offers or offered
        self.agent_stopped.set()

    def agent_stopped_playing(self) -> None:
        """The agent's audio ran out or was cut off (spoken conversations time barge-ins by it)."""

    def ended(self) -> None:
        """The call is over: release whatever the persona was waiting for."""
        self.agent_started.set()
        self.agent_stopped.set()


class TextConversation(Conversation):
    def __init__(self, fork: AudioFork, channel: Channel) -> None:
        super().__init__(fork.switch, channel)
        self.fork = fork

    async def speak(self, text: str, slower: bool = False) -> None:
        await self.fork.send_text(json.dumps({"type": SPEECH, "text": text}))

    def agent_text(self, text: str) -> None:
        if text:
            self.agent_said(Heard(text=text, spotted=frozenset()))


class SpokenConversation(Conversation):
    first_words_after = HELLO_DELAY
    repeats_when_not_understood = True

    def __init__(self, switch: CallerSwitch, channel: Channel) -> None:
        super().__init__(switch, channel)
        self.voice = self.persona.voice if self.persona else {}
        persona_turns = self.persona.turns if self.persona else ()
        listen_for = [word for turn in persona_turns for word in turn.after_hearing] + list(CHECK_WORDS)
        listen_for += (self.persona.expect if self.persona else {}).get("voicemail_contains") or []
        if self.persona and self.persona.presses_keys:
            listen_for.append(KEYS_SPOKEN)
        channel.ear = Ear(
            listen_for=listen_for,
            on_start=self.agent_started.set,
            on_utterance=self._utterance,
            transcribe=switch.transcribe,
            words_known=self._marked,
        )
        self._barging = False
        self._words_used = 0  # of the channel's agent_words, given to turns so far

    async def speak(self, text: str, slower: bool = False) -> None:
        spoken = self.voice
        if slower:
            spoken = {**self.voice, "speed": float(self.voice.get("speed", 1.0)) * SLOWER_WHEN_REPEATING}
        speech = await voice.speech_of(text, spoken)
        await self._sound(self._line(speech))

    def _line(self, samples):
        """The callee's words as the switch gets them: through a telephone trunk unless the line is wideband."""
        return through_the_line(samples) if self.switch.telephone_line else samples

    async def prepare(self, text: str) -> None:
        if text:
            await voice.speech_of(text, self.voice)

    async def _sound(self, samples) -> float:
        """Send audio into the call from now on; returns when it has been heard (on the call's clock)."""
        segment = self.channel.callee_audio.schedule(samples, self.channel.clock())
        if self._barging:  # time how long the agent goes on talking over the persona
            self._barging = False
            self.channel.barge_ins.append(
                {"at": segment.start, "agent_stopped_after_ms": None if self.channel.agent_playing else 0}
            )
        words_end = segment.start + voice.voiced_seconds(samples)  # the turn's latency runs from here
        await self.switch.wait(max(0.0, words_end - self.channel.clock()))
        self.channel.callee_finished_speaking(words_end)
        await self.switch.wait(max(0.0, segment.end - self.channel.clock()))
        return segment.start

    async def moment_to_barge_in(self) -> None:
        """Talk over the agent a second into its next sentence."""
        if not self.channel.ear.speaking:
            await self._wait(self.agent_started)
        self.agent_started.clear()
        await self.switch.wait(BARGE_IN_AFTER)
        self._barging = True

    async def after_greeting(self) -> None:
        if not self.persona.beep or not self.channel.alive:
            return
        beep_start = await self._sound_soon(voice.beep())
        self.switch.voicemail_beep(self.channel)
        await self.switch.wait(max(0.0, beep_start + 0.5 - self.channel.clock()))
        self.channel.beeped_at = self.channel.clock()

    async def _sound_soon(self, samples) -> float:
        """Queue audio and return as soon as it starts (the beep is detected while it sounds)."""
        segment = self.channel.callee_audio.schedule(samples, self.channel.clock())
        await self.switch.wait(max(0.0, segment.start - self.channel.clock() + 0.1))
        return segment.start

    def _marked(self) -> bool:
        """A person (not a voicemail box, whose message keyword spotting checks) takes the agent's words from
        its marks where they came: recognising them too would only spend the cores the agent runs on."""
        human = self.persona is not None and self.persona.answer == "human"
        return human and len(self.channel.agent_words) > self._words_used

    def _utterance(self, heard: Heard, started_at: float) -> None:
        """The agent stopped talking: what it said is what its marks say, where they say it (a person
        understands the agent's words; it is the agent's hearing that is tested), else what the ear made of it."""
        words = self.channel.agent_words[self._words_used :]
        self._words_used = len(self.channel.agent_words)
        if words:
            heard = Heard(text=" ".join(words), spotted=heard.spotted)
        self.agent_said(heard, started_at)

    def agent_stopped_playing(self) -> None:
        """The agent's playout ended or was killed: time a pending barge-in."""
        for barge_in in self.channel.barge_ins:
            if barge_in["agent_stopped_after_ms"] is None:
                barge_in["agent_stopped_after_ms"] = round((self.channel.clock() - barge_in["at"]) * 1000)
