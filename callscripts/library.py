"""The script library: ready scripts an office starts from (annual review, policy renewal, new-client
consultation, appointment reminder), one YAML file each in callscripts/library/. Starting from one makes
the office its own copy, checked like any script, which it then edits."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from callscripts.models import Script
from callscripts.selectors import script_name_taken
from callscripts.services import EDITABLE, script_create
from issetter.models import Office

LIBRARY = Path(__file__).with_name("library")


@dataclass(frozen=True)
class LibraryScript:
    key: str
    name: str
    summary: str
    values: dict[str, Any]


@cache
def library_scripts() -> tuple[LibraryScript, ...]:
    found = []
    for path in sorted(LIBRARY.glob("*.yaml")):
        document = yaml.safe_load(path.read_text())
        unknown = set(document) - set(EDITABLE) - {"summary"}
        if unknown:
            raise ValueError(f"{path.name}: {', '.join(sorted(unknown))} is not a script field")
        values = {name: value for name, value in document.items() if name in EDITABLE}
        found.append(
            LibraryScript(key=path.stem, name=document["name"], summary=document.get("summary", ""), values=values)
        )
    return tuple(found)


def library_script(key: str) -> LibraryScript:
    for entry in library_scripts():
        if entry.key == key:
            return entry
    known = ", ".join(entry.key for entry in library_scripts())
    raise KeyError(f"No script {key!r} in the library (it has {known})")


def script_from_library(*, office: Office, key: str) -> Script:
    """The office's own copy of a library script, named after it ("Policy renewal 2" when the name is taken)."""
    entry = library_script(key)
    name, number = entry.name, 1
    while script_name_taken(office=office, name=name):
        number += 1
        name = f"{entry.name} {number}"
    script = Script(office=office, **{**entry.values, "name": name})
    script.full_clean(exclude=["office"])
    return script_create(office=office, values={**entry.values, "name": name})


def library_problems(*, office: Office) -> dict[str, list[str]]:
    """Each library script's problems for this office (none, for the scripts we ship: a test holds it)."""
    problems = {}
    for entry in library_scripts():
        try:
            Script(office=office, **entry.values).full_clean(exclude=["office"])
        except ValidationError as error:
            problems[entry.key] = error.messages
    return problems
