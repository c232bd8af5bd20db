"""Phonify: a simulated FreeSWITCH speaking the real Event Socket protocol (asyncio, no gevent).

    switch = Switch(port=8021, password="ClueCon", personas=personas_load())
    await switch.start(); ...; await switch.stop()

Calls follow their persona: a number with no persona is UNALLOCATED_NUMBER. `time_scale` shrinks every
wait (rings, timeouts, greetings, hangup_after) so tests can run a whole call in milliseconds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import time
import uuid as uuidlib
from pathlib import Path

from phonify import voice, wire
from phonify.api_commands import ApiCommands
from phonify.call_audio import agent_track, write_call_wav
from phonify.channel import ANSWER_FAILURES, CAUSES, Channel, now_us
from phonify.connection import Connection
from phonify.conversation import SpokenConversation
from phonify.inbound_calls import InboundCalls
from phonify.originate import OriginateUsageError, parse_originate
from phonify.personas import Persona

WITH_VARIABLES = {
    "CHANNEL_CREATE",
    "CHANNEL_ANSWER",
    "CHANNEL_PROGRESS",
    "CHANNEL_PROGRESS_MEDIA",
    "CHANNEL_HANGUP",
    "CHANNEL_HANGUP_COMPLETE",
    "CHANNEL_EXECUTE",
    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_DESTROY",
    "CHANNEL_PARK",
    "CUSTOM",
    "PLAYBACK_START",
}
SECONDS_PER_CHARACTER = 0.06  # how long a spoken greeting lasts


class Switch(ApiCommands, InboundCalls):
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8021,
        password: str = "ClueCon",  # noqa: S107  (FreeSWITCH's documented default)
        personas: dict[str, Persona] | None = None,
        time_scale: float = 1.0,
        ring_seconds: float = 4.0,
        heartbeat_seconds: float = 20.0,
        hostname: str = "phonify",
        record_dir: Path | str | None = None,
        text_mode: bool = False,
        transcribe: bool = True,
        today: dt.date | None = None,
        telephone_line: bool = False,
    ) -> None:
        self.text_mode = text_mode
        self.telephone_line = telephone_line  # callees' words pass through an 8 kHz μ-law trunk (telephone_line.py)
        self.today = today  # the day the personas live in (times the agent says are read against it)
        self.transcribe = transcribe  # False: personas only spot their words in the agent's speech (cheaper)
        self.record_dir = Path(record_dir) if record_dir else None
        self.host, self.port, self.password = host, port, password
        self.personas = personas or {}
        self.time_scale, self.ring_seconds, self.heartbeat_seconds = time_scale, ring_seconds, heartbeat_seconds
        self.hostname = hostname
        self.core_uuid = str(uuidlib.uuid4())
        self.connections: set[Connection] = set()
        self.channels: dict[str, Channel] = {}  # every call, ended ones too (for inspection)
        self.sequence = 0
        self.started = time.monotonic()
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.voices_ready = asyncio.Event()  # every greeting synthesised (at once in text mode)

    # ---- server -------------------------------------------------------------------------------------
    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.spawn(self._heartbeat())
        self.spawn(self._warm_up_voices())

    async def _warm_up_voices(self) -> None:
        """Load the voice and say every greeting and every turn whose words are fixed once now, as a person
        knows what they will say before the phone rings: a callee's voice costs a real switch nothing, so
        synthesising it during the calls would only take the cores the agent is measured on (a turn that
        names an offered time is made when it is said)."""
        answering = [p for p in self.personas.values() if p.answer in ("human", "voicemail")]
        if not self.text_mode:
            for words, voice_options in dict.fromkeys(
                (text, tuple(sorted(p.voice.items()))) for p in answering for text in _fixed_words(p)
            ):
                await voice.speech_of(words, dict(voice_options))
        self.voices_ready.set()

    async def stop(self) -> None:
        if self._server:
            self._server.close()
        for connection in list(self.connections):
            connection.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection(self, reader, writer)
        self.connections.add(connection)
        await connection.serve()

    def spawn(self, coroutine) -> asyncio.Task:
        """Run `coroutine` on the switch's loop alongside the calls (held until it ends, cancelled at stop)."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait(self, seconds: float) -> None:
        await asyncio.sleep(seconds * self.time_scale)

    # ---- events -------------------------------------------------------------------------------------
    def publish(
        self,
        name: str,
        extra: list[tuple[str, str]] | None = None,
        *,
        channel: Channel | None = None,
        body: str = "",
        subclass: str = "",
    ) -> None:
        self.sequence += 1
        moment = time.time()
        headers = [*self.event_headers(name, moment), ("Event-Sequence", str(self.sequence))]
        if subclass:
            headers.append(("Event-Subclass", subclass))
        headers += extra or []
        if channel is not None:
            headers += channel.headers()
            if name in WITH_VARIABLES:
                headers += channel.variable_headers()
            channel.timeline.append((moment, subclass or name))
        frame = None
        for connection in list(self.connections):
            if connection.authed and connection.wants(name, subclass, headers):
                frame = frame or wire.event_frame(wire.serialize_event(headers, body))
                connection.write(frame)

    def event_headers(self, name: str, moment: float) -> list[tuple[str, str]]:
        """What switch_event_prep_for_delivery puts first on every event (Event-Sequence comes at firing)."""
        return [
            ("Event-Name", name),
            ("Core-UUID", self.core_uuid),
            ("FreeSWITCH-Hostname", self.hostname),
            ("FreeSWITCH-Switchname", self.hostname),
            ("FreeSWITCH-IPv4", "127.0.0.1"),
            ("FreeSWITCH-IPv6", "::1"),
            ("Event-Date-Local", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment))),
            ("Event-Date-GMT", email.utils.formatdate(moment, usegmt=True)),
            ("Event-Date-Timestamp", str(int(moment * 1_000_000))),
            ("Event-Calling-File", "phonify.py"),
            ("Event-Calling-Function", "phonify_event"),
            ("Event-Calling-Line-Number", "1"),
        ]

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            uptime = int(time.monotonic() - self.started)
            self.publish(
                "HEARTBEAT",
                [
                    ("Event-Info", "System Ready"),
                    ("Up-Time", f"0 years, 0 days, 0 hours, 0 minutes, {uptime} seconds"),
                    ("FreeSWITCH-Version", "1.10.12-phonify"),
                    ("Uptime-msec", str(uptime * 1000)),
                    ("Session-Count", str(sum(c.alive for c in self.channels.values()))),
                    ("Max-Sessions", "1000"),
                    ("Idle-CPU", "99.0"),
                ],
            )

    # ---- commands -----------------------------------------------------------------------------------
    async def api(self, line: str) -> str:
        command, _, args = line.strip().partition(" ")
        handler = getattr(self, f"_api_{command.lower()}", None)
        if handler is None:
            return f"-ERR {command} Command not found!\n"
        return await handler(args.strip())

    def background(self, line: str, job: str) -> None:
        async def run() -> None:
            result = await self.api(line)
            command, _, args = line.strip().partition(" ")
            extra = [("Job-UUID", job), ("Job-Owner-UUID", ""), ("Job-Command", command)]
            if args.strip():
                extra.append(("Job-Command-Arg", args.strip()))
            self.publish("BACKGROUND_JOB", extra, body=result)

        self.spawn(run())

    def sendmsg(self, target: str, packet: wire.Packet) -> str:
        channel = self.channels.get(target)
        if channel is None or not channel.alive:
            return f"-ERR invalid session id [{target}]"
        if (packet.header("call-command") or "").lower() == "hangup":
            self.spawn(self.hangup(channel, packet.header("hangup-cause") or "NORMAL_CLEARING"))
        return "+OK"

    async def _api_originate(self, args: str) -> str:
        try:
            request = parse_originate(args)
        except OriginateUsageError as problem:
            return str(problem)
        call_uuid = request.variables.get("origination_uuid") or str(uuidlib.uuid4())
        if call_uuid in self.channels:
            return "-ERR DESTINATION_OUT_OF_ORDER\n"
        channel = Channel(
            uuid=call_uuid,
            number=request.number,
            persona=self.personas.get(request.number),
            variables={**request.variables, "uuid": call_uuid, "direction": "outbound"},
            caller_id_name=request.variables.get("origination_caller_id_name", "Phonify"),
            caller_id_number=request.variables.get("origination_caller_id_number", "0000000000"),
        )
        self.channels[call_uuid] = channel
        outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.spawn(self._call(channel, outcome, float(request.variables.get("originate_timeout", 60))))
        return await outcome

    # ---- the call -----------------------------------------------------------------------------------
    async def _call(self, channel: Channel, outcome: asyncio.Future[str], timeout: float) -> None:
        persona = channel.persona
        answer = persona.answer if persona else "invalid"
        self.publish("CHANNEL_CREATE", channel=channel)
        self.publish("CHANNEL_OUTGOING", channel=channel)
        await self.wait(0.1)
        if answer in ANSWER_FAILURES:
            await self._fail(channel, outcome, ANSWER_FAILURES[answer])
            return
        channel.progress_us, channel.call_state, channel.answer_state = now_us(), "RINGING", "early"
        if not self.text_mode and answer == "voicemail":  # a machine's greeting is recorded: ready at answer
            self.spawn(voice.speech_of(persona.greeting, persona.voice))
        self.publish("CHANNEL_PROGRESS", channel=channel)
        ringing = persona.rings * self.ring_seconds if answer in ("human", "voicemail") else float("inf")
        if persona.early_media:
            self._early_media(channel, outcome, min(ringing, timeout))
        if ringing > timeout:
            await self._sleep_or_hangup(channel, timeout)
            await self._fail(channel, outcome, "NO_ANSWER")
            return
        if await self._sleep_or_hangup(channel, ringing):
            await self._fail(channel, outcome, channel.hangup_cause)
            return
        channel.callee_audio.cut(channel.clock())  # the ringback stops when someone picks up
        channel.answered_us, channel.state, channel.call_state = now_us(), "CS_EXECUTE", "ACTIVE"
        channel.answer_state = "answered"
        if "avmd" in channel.variables.get("execute_on_answer", ""):  # e.g. execute_on_answer=avmd_start
            channel.avmd_on = True
        self.publish("CHANNEL_ANSWER", channel=channel)
        if not outcome.done():
            outcome.set_result(f"+OK {channel.uuid}\n")
            self._park(channel)
        if not self.text_mode:
            self.spawn(SpokenConversation(self, channel).run())
        elif answer == "voicemail":  # text mode: the beep comes when the greeting would have ended
            if await self._sleep_or_hangup(channel, len(persona.greeting) * SECONDS_PER_CHARACTER):
                return
            if persona.beep:
                self.voicemail_beep(channel)
                channel.beeped_at = channel.clock()
        if not await self._sleep_or_hangup(channel, persona.hangup_after):
            await self.hangup(channel, "NORMAL_CLEARING")

    def _early_media(self, channel: Channel, outcome: asyncio.Future[str], seconds: float) -> None:
        """183 Session Progress: ringback plays as media before answer. Unless `ignore_early_media=true`,
        originate counts early media as success, as FreeSWITCH does, and runs its application now."""
        channel.progress_media_us, channel.call_state = now_us(), "EARLY"
        self.publish("CHANNEL_PROGRESS_MEDIA", channel=channel)
        if seconds != float("inf"):
            channel.callee_audio.schedule(voice.ringback(seconds * self.time_scale), channel.clock())
        if channel.variables.get("ignore_early_media", "false").lower() not in ("true", "ring_ready", "consume"):
            outcome.set_result(f"+OK {channel.uuid}\n")
            self._park(channel)

    def _park(self, channel: Channel) -> None:
        channel.variables["current_application"] = "park"
        self.publish("CHANNEL_EXECUTE", [("Application", "park"), ("Application-Data", "")], channel=channel)

    def key_pressed(self, channel: Channel, key: str) -> None:
        """The callee pressed a key: the DTMF event, as FreeSWITCH sends it for RFC 2833 digits."""
        self.publish("DTMF", [("DTMF-Digit", key), ("DTMF-Duration", "2000"), ("DTMF-Source", "RTP")], channel=channel)

    def voicemail_beep(self, channel: Channel) -> None:
        """The box's beep sounds: avmd reports it when beep detection was started on the channel."""
        if channel.avmd_on:
            self.publish(
                "CUSTOM",
                [("Beep-Status", "DETECTED"), ("Frequency", "1000.0")],
                channel=channel,
                subclass="avmd::beep",
            )

    async def _sleep_or_hangup(self, channel: Channel, seconds: float) -> bool:
        """Wait; True if the channel was hung up meanwhile (uuid_kill, hupall, sendmsg)."""
        deadline = asyncio.get_running_loop().time() + seconds * self.time_scale
        while channel.alive:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            await asyncio.sleep(min(left, 0.05))
        return True

    async def _fail(self, channel: Channel, outcome: asyncio.Future[str], cause: str) -> None:
        await self.hangup(channel, cause)
        if not outcome.done():
            outcome.set_result(f"-ERR {cause}\n")

    async def hangup(self, channel: Channel, cause: str) -> None:
        if not channel.alive:
            return
        cause = cause if cause in CAUSES else "NORMAL_CLEARING"
        channel.hangup_cause, channel.hangup_us = cause, now_us()
        channel.state, channel.call_state, channel.answer_state = "CS_HANGUP", "HANGUP", "hangup"
        self.publish("CHANNEL_HANGUP", channel=channel)
        channel.set_cdr_variables()
        channel.state = "CS_REPORTING"
        self.publish("CHANNEL_HANGUP_COMPLETE", channel=channel)
        channel.state = "CS_DESTROY"
        self.publish("CHANNEL_DESTROY", channel=channel)
        channel.callee_audio.cut(channel.clock())
        if channel.conversation is not None:
            channel.conversation.ended()
        self.spawn(self._after_hangup(channel))

    async def _after_hangup(self, channel: Channel) -> None:
        if channel.ear is not None:
            await channel.ear.finish()  # the last words, e.g. a voicemail message cut by the hangup
        if self.record_dir:
            self._record(channel)
        channel.settled.set()

    def _record(self, channel: Channel) -> None:
        """Keep the ended call for inspection: events in order, variables (the CDR), files played, who
        said what, and both legs' audio as one stereo WAV (left: the callee side, right: the agent)."""
        self.record_dir.mkdir(parents=True, exist_ok=True)
        seconds = channel.clock()
        write_call_wav(
            self.record_dir / f"{channel.uuid}.wav",
            channel.callee_audio.render(seconds),
            agent_track(channel.agent_frames, seconds),
        )
        document = {
            "uuid": channel.uuid,
            "number": channel.number,
            "persona": channel.persona.name if channel.persona else None,
            "hangup_cause": channel.hangup_cause,
            "timeline": [{"at": round(moment, 6), "event": name} for moment, name in channel.timeline],
            "variables": channel.variables,
            "played": channel.played,
            "transcript": channel.transcript,
            "voicemail_recording": channel.voicemail_recording,
            "voicemail_spotted": sorted(channel.voicemail_spotted),
            "barge_ins": channel.barge_ins,
            "audio": f"{channel.uuid}.wav",
        }
        (self.record_dir / f"{channel.uuid}.json").write_text(json.dumps(document, indent=2))


def _fixed_words(persona: Persona) -> list[str]:
    """What the persona will say whatever the agent offers: its greeting and its turns without placeholders."""
    return [persona.greeting] + [turn.say for turn in persona.turns if turn.say and "{" not in turn.say]
