"""The people Phonify's numbers belong to, read from YAML (schema in phonify/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from phonify.fork_words import KEYS

ANSWERS = ("human", "voicemail", "no_answer", "busy", "rejected", "invalid")
BUILTIN = Path(__file__).resolve().parent / "personas" / "builtin.yaml"


class PersonaError(ValueError):
    pass


@dataclass(frozen=True)
class Turn:
    say: str  # may hold placeholders filled from the times the agent offered: {day2}, {hour1} … (offers_heard)
    after_hearing: tuple[str, ...] = ()
    intent: str = ""  # what the words mean (for the judge, and the persona's yes or no to "Did you say …?")
    pick: int | None = None  # the offered time (1–3) the words pick: the persona then accepts only that one
    press: str = ""  # keys pressed after the words (DTMF: "9", "1"); a turn may be keys only


@dataclass(frozen=True)
class Persona:
    name: str
    number: str
    answer: str = "human"
    rings: int = 2
    greeting: str = "Hello?"
    beep: bool = True
    turns: tuple[Turn, ...] = ()
    barge_in_at: int | None = None
    early_media: bool = False
    hangup_after: float = 120
    voice: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)
    first_name: str = ""
    last_name: str = ""
    accepts: tuple[
        dict, ...
    ] = ()  # times it would agree to, as windows: {weekday, after, before, next_week, month_day}
    presses_keys: bool = False  # answers "Press 1 for yes, or 2 for no." with the key, not in words
    calls_in: bool = False  # the persona calls the office (`simulate` places the call) instead of being called
    known: bool = True  # `simulate` makes the persona one of the office's customers
    appointment: str = ""  # `simulate` books them this appointment first: office-local "2027-01-06T14:00"

    def lines(self) -> list[str]:
        """What the persona will say whatever the agent offers (not words filled from the times it hears)."""
        said = [self.greeting, *(turn.say for turn in self.turns)]
        return [text for text in dict.fromkeys(said) if text.strip() and "{" not in text]


def personas_load(path: Path | str | None = None) -> dict[str, Persona]:
    """Personas by E.164 number; a clear PersonaError names the persona and the key that is wrong."""
    source = Path(path) if path else BUILTIN
    try:
        document = yaml.safe_load(source.read_text()) or {}
    except (OSError, yaml.YAMLError) as problem:
        raise PersonaError(f"{source}: {problem}") from None
    entries = document.get("personas")
    if not isinstance(entries, list):
        raise PersonaError(f"{source}: expected a list under 'personas'")
    personas: dict[str, Persona] = {}
    for position, entry in enumerate(entries, start=1):
        persona = _persona(entry, f"{source}: persona {position}")
        if persona.number in personas:
            raise PersonaError(
                f"{source}: {persona.name} uses {persona.number}, already used by {personas[persona.number].name}"
            )
        personas[persona.number] = persona
    return personas


def _persona(entry: dict, where: str) -> Persona:
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("number"):
        raise PersonaError(f"{where}: needs a name and a number")
    where = f"{where} ({entry['name']})"
    number = str(entry["number"])
    if not number.startswith("+") or not number[1:].isdigit():
        raise PersonaError(f"{where}: number must be E.164 like +12025550143, got {number!r}")
    answer = entry.get("answer", "human")
    if answer not in ANSWERS:
        raise PersonaError(f"{where}: answer must be one of {', '.join(ANSWERS)}, got {answer!r}")
    turns = tuple(_turn(turn, where) for turn in entry.get("turns") or [])
    accepts = entry.get("accepts") or []
    if isinstance(accepts, dict):
        accepts = [accepts]
    if not isinstance(accepts, list) or not all(isinstance(window, dict) for window in accepts):
        raise PersonaError(f"{where}: accepts must be a window or a list of windows, got {accepts!r}")
    return Persona(
        name=str(entry["name"]),
        number=number,
        answer=answer,
        rings=int(entry.get("rings", 2)),
        greeting=str(entry.get("greeting", "" if entry.get("calls_in") else "Hello?")),
        beep=bool(entry.get("beep", True)),
        turns=turns,
        barge_in_at=entry.get("barge_in_at"),
        early_media=bool(entry.get("early_media", False)),
        hangup_after=float(entry.get("hangup_after", 120)),
        voice=dict(entry.get("voice") or {}),
        expect=dict(entry.get("expect") or {}),
        first_name=str(entry.get("first_name") or ""),
        last_name=str(entry.get("last_name") or ""),
        accepts=tuple(dict(window) for window in accepts),
        presses_keys=bool(entry.get("presses_keys", False)),
        calls_in=bool(entry.get("calls_in", False)),
        known=bool(entry.get("known", True)),
        appointment=str(entry.get("appointment") or ""),
    )


def _turn(turn, where: str) -> Turn:
    if not isinstance(turn, dict) or ("say" not in turn and "press" not in turn):
        raise PersonaError(f"{where}: each turn needs a 'say' or a 'press'")
    press = str(turn.get("press") or "")
    if any(key not in KEYS for key in press):
        raise PersonaError(f"{where}: a turn's press holds only the keys 0-9, * and #, got {press!r}")
    pick = turn.get("pick")
    if pick is not None and (not isinstance(pick, int) or not 1 <= pick <= 3):
        raise PersonaError(f"{where}: a turn's pick must be 1, 2 or 3, got {pick!r}")
    return Turn(
        say=str(turn.get("say") or ""),
        press=press,
        after_hearing=tuple(turn.get("after_hearing") or ()),
        intent=str(turn.get("intent") or ""),
        pick=pick,
    )
