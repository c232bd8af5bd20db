"""The people Phonify's numbers belong to, read from YAML (schema in phonify/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

ANSWERS = ("human", "voicemail", "no_answer", "busy", "rejected", "invalid")
BUILTIN = Path(__file__).resolve().parent / "personas" / "builtin.yaml"


class PersonaError(ValueError):
    pass


@dataclass(frozen=True)
class Turn:
    say: str
    after_hearing: tuple[str, ...] = ()


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
    turns = tuple(
        Turn(say=str(turn["say"]), after_hearing=tuple(turn.get("after_hearing") or ()))
        for turn in entry.get("turns") or []
    )
    return Persona(
        name=str(entry["name"]),
        number=number,
        answer=answer,
        rings=int(entry.get("rings", 2)),
        greeting=str(entry.get("greeting", "Hello?")),
        beep=bool(entry.get("beep", True)),
        turns=turns,
        barge_in_at=entry.get("barge_in_at"),
        early_media=bool(entry.get("early_media", False)),
        hangup_after=float(entry.get("hangup_after", 120)),
        voice=dict(entry.get("voice") or {}),
        expect=dict(entry.get("expect") or {}),
    )
