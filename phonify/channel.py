"""One simulated call leg: its variables, times, state, and the headers FreeSWITCH puts on its events."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from phonify.call_audio import CalleeAudio
from phonify.personas import Persona

CAUSES = {
    "UNALLOCATED_NUMBER": 1,
    "NORMAL_CLEARING": 16,
    "USER_BUSY": 17,
    "NO_USER_RESPONSE": 18,
    "NO_ANSWER": 19,
    "CALL_REJECTED": 21,
    "NORMAL_TEMPORARY_FAILURE": 41,
    "ORIGINATOR_CANCEL": 487,
    "MANAGER_REQUEST": 703,
    "ALLOTTED_TIMEOUT": 802,
}
ANSWER_FAILURES = {"busy": "USER_BUSY", "rejected": "CALL_REJECTED", "invalid": "UNALLOCATED_NUMBER"}


def now_us() -> int:
    return int(time.time() * 1_000_000)


@dataclass
class Channel:
    uuid: str
    number: str
    persona: Persona | None
    variables: dict[str, str]
    caller_id_name: str = "Phonify"
    caller_id_number: str = "0000000000"
    direction: str = "outbound"  # "inbound": the persona called the office (Switch.call_in)
    destination: str = ""  # the number dialed, for an inbound call (the office's)
    created_us: int = field(default_factory=now_us)
    progress_us: int = 0
    progress_media_us: int = 0
    answered_us: int = 0
    hangup_us: int = 0
    state: str = "CS_INIT"
    call_state: str = "DOWN"
    answer_state: str = "ringing"
    hangup_cause: str = ""
    avmd_on: bool = False
    beeped_at: float | None = None  # when a voicemail box's beep ended (call clock): it records from then
    played: list[str] = field(default_factory=list)  # files uuid_broadcast played to the callee
    forks: dict = field(default_factory=dict)  # bug name -> AudioFork
    transcript: list[dict] = field(default_factory=list)  # who said what, in order
    voicemail_recording: list[str] = field(default_factory=list)  # what was said after a voicemail beep
    voicemail_spotted: set[str] = field(default_factory=set)  # expected words keyword spotting heard there
    timeline: list[tuple[float, str]] = field(default_factory=list)
    origin: float = field(default_factory=time.monotonic)  # the call's clock starts at creation
    callee_audio: CalleeAudio = field(default_factory=CalleeAudio)  # what the callee side sounds
    agent_frames: list[tuple[float, bytes, int]] = field(default_factory=list)  # agent audio played (clock, L16, rate)
    agent_playing: bool = False
    barge_ins: list[dict] = field(default_factory=list)  # persona talked over the agent: how soon it stopped
    agent_words: list[str] = field(default_factory=list)  # what the agent's marks say its audio said
    picked: list[str] = field(default_factory=list)  # offered times a turn picked ("friday 09:00"): the persona
    # accepts those, besides its `accepts` windows
    said_turns: list[int | None] = field(default_factory=list)  # per utterance of the persona, the number of the
    # turn it said (a repeat says one again), None for its greeting and its answers after its turns
    callee_said_until: float | None = None  # when the persona's last words ended, until the agent answers
    reply_gaps: list[float] = field(default_factory=list)  # s from the end of their voiced words to the agent's audio
    conversation: object = None  # the persona's side (phonify.conversation), once answered
    ear: object = None  # phonify.hearing.Ear of a speaking persona
    settled: threading.Event = field(default_factory=threading.Event)  # ended, transcribed, recorded

    def clock(self) -> float:
        """Seconds since the channel was created: the clock both legs' audio is laid on."""
        return time.monotonic() - self.origin

    def agent_frame_played(self, at: float, frame: bytes, rate: int) -> None:
        """20 ms of the agent's audio sounded in the call at `at`: kept, and heard by a speaking persona."""
        self.agent_frames.append((at, frame, rate))
        if self.ear is not None:
            self.ear.hear(frame, rate, at)

    def callee_finished_speaking(self, at: float) -> None:
        self.callee_said_until = at

    def agent_audio_arrived(self) -> None:
        """The agent's audio reached the switch: after the persona's words, that is the turn's latency."""
        if self.callee_said_until is not None:
            self.reply_gaps.append(max(0.0, self.clock() - self.callee_said_until))
            self.callee_said_until = None

    def agent_stopped_playing(self) -> None:
        self.agent_playing = False
        if self.conversation is not None:
            self.conversation.agent_stopped_playing()

    @property
    def heard_audio(self) -> bytes:
        """Everything the agent played into the call, in order (L16 at the fork's rate)."""
        return b"".join(frame for _, frame, _ in self.agent_frames)

    @property
    def name(self) -> str:
        return f"sofia/external/{self.number}"

    @property
    def alive(self) -> bool:
        return not self.hangup_cause

    def headers(self) -> list[tuple[str, str]]:
        """switch_channel_event_set_basic_data: state, ids, answer state, caller profile."""
        headers = [
            ("Channel-State", self.state),
            ("Channel-Call-State", self.call_state),
            ("Channel-State-Number", str(_STATE_NUMBERS.get(self.state, 0))),
            ("Channel-Name", self.name),
            ("Unique-ID", self.uuid),
            ("Call-Direction", self.direction),
            ("Presence-Call-Direction", self.direction),
            ("Channel-HIT-Dialplan", "false"),
            ("Channel-Call-UUID", self.uuid),
            ("Answer-State", self.answer_state),
        ]
        if self.hangup_cause:
            headers.append(("Hangup-Cause", self.hangup_cause))
        headers += [
            ("Channel-Read-Codec-Name", "L16"),
            ("Channel-Read-Codec-Rate", "16000"),
            ("Channel-Write-Codec-Name", "L16"),
            ("Channel-Write-Codec-Rate", "16000"),
            ("Caller-Direction", self.direction),
            ("Caller-Caller-ID-Name", self.caller_id_name),
            ("Caller-Caller-ID-Number", self.caller_id_number),
            ("Caller-Destination-Number", self.destination or self.number),
            ("Caller-Unique-ID", self.uuid),
            ("Caller-Channel-Name", self.name),
            ("Caller-Channel-Created-Time", str(self.created_us)),
            ("Caller-Channel-Answered-Time", str(self.answered_us)),
            ("Caller-Channel-Progress-Time", str(self.progress_us)),
            ("Caller-Channel-Progress-Media-Time", str(self.progress_media_us)),
            ("Caller-Channel-Hangup-Time", str(self.hangup_us)),
        ]
        return headers

    def variable_headers(self) -> list[tuple[str, str]]:
        return [(f"variable_{name}", value) for name, value in self.variables.items()]

    def set_cdr_variables(self) -> None:
        """What switch_channel_set_timestamps leaves on the channel before HANGUP_COMPLETE."""
        end = self.hangup_us or now_us()
        cause = self.hangup_cause or "NORMAL_CLEARING"
        code = CAUSES.get(cause, 16)
        self.variables["hangup_cause"] = cause
        self.variables["hangup_cause_q850"] = str(code if code <= 127 else 16)
        stamps = {
            "start": self.created_us,
            "answer": self.answered_us,
            "progress": self.progress_us,
            "progress_media": self.progress_media_us,
            "end": end,
        }
        for name, moment in stamps.items():
            self.variables[f"{name}_stamp"] = _stamp(moment) if moment else ""
            self.variables[f"{name}_epoch"] = str(moment // 1_000_000)
            self.variables[f"{name}_uepoch"] = str(moment)
        self.variables["duration"] = str((end - self.created_us) // 1_000_000)
        self.variables["billsec"] = str((end - self.answered_us) // 1_000_000 if self.answered_us else 0)
        self.variables["answersec"] = str((self.answered_us - self.created_us) // 1_000_000 if self.answered_us else 0)
        self.variables["progresssec"] = str(
            (self.progress_us - self.created_us) // 1_000_000 if self.progress_us else 0
        )
        self.variables["waitsec"] = "0"
        self.variables["mduration"] = str((end - self.created_us) // 1000)
        self.variables["billmsec"] = str((end - self.answered_us) // 1000 if self.answered_us else 0)
        self.variables["uduration"] = str(end - self.created_us)
        self.variables["last_app"] = "park"
        self.variables["caller_id"] = f'"{self.caller_id_name}" <{self.caller_id_number}>'


_STATE_NUMBERS = {
    "CS_NEW": 0,
    "CS_INIT": 1,
    "CS_ROUTING": 2,
    "CS_EXECUTE": 4,
    "CS_HANGUP": 10,
    "CS_REPORTING": 11,
    "CS_DESTROY": 12,
}


def _stamp(moment_us: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(moment_us / 1_000_000))
