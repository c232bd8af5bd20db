"""What a script must get right before a call can use it, as plain checks the Scripts form shows as errors:
placeholders that exist (a typo such as {frist_name} would be read out as written), a greeting that names
the office and says the caller is automated (the calling rules' disclosure), objection answers in a form
staff can write, and a voice the synthesiser can load."""

from __future__ import annotations

import difflib
import re
import string
from pathlib import Path

from agent.script_lines import PLACEHOLDERS
from agent.speech.tts import BUNDLED as BUNDLED_VOICE
from issetter.models import Office

DISCLOSURE = re.compile(r"\b(automated|assistant|AI)\b", re.IGNORECASE)
OFFICE_PLACEHOLDERS = ("office_name", "office_legal_name")
OBJECTION_SEPARATORS = ("=", "→", "->")


class ScriptCheckError(ValueError):
    pass


def placeholders_of(text: str) -> list[str]:
    """The placeholders a line uses, in order; ScriptCheckError for braces that do not make one."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text or "") if name is not None]
    except ValueError:
        raise ScriptCheckError(
            "A brace is not closed: write placeholders as {first_name}, and {{ for a brace."
        ) from None
    return fields


def placeholder_problems(text: str) -> list[str]:
    """One message per unknown placeholder, naming it (and the known one it probably meant)."""
    problems = []
    for name in dict.fromkeys(placeholders_of(text)):
        if name in PLACEHOLDERS:
            continue
        close = difflib.get_close_matches(name, PLACEHOLDERS, n=1)
        hint = f" Did you mean {{{close[0]}}}?" if close else ""
        problems.append(f"Unknown placeholder {{{name}}}.{hint} Known: {known_placeholders()}.")
    return problems


def known_placeholders() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def greeting_problems(text: str, *, office: Office) -> list[str]:
    """The greeting must identify the office and disclose that this is an automated assistant."""
    problems = []
    try:
        used = set(placeholders_of(text))
    except ScriptCheckError:
        used = set()
    names = [name.lower() for name in (office.name, office.legal_name) if name]
    if not used & set(OFFICE_PLACEHOLDERS) and not any(name in text.lower() for name in names):
        problems.append(
            f"The greeting must name the office: use {{office_name}} or {{office_legal_name}}, or write "
            f"{office.spoken_legal_name}."
        )
    if not DISCLOSURE.search(text):
        problems.append('The greeting must say the caller is automated: use "automated", "assistant" or "AI".')
    return problems


def objection_answers_from(text: str) -> dict[str, str]:
    """ "objection = answer" lines (blank lines ignored) as a dict; ScriptCheckError naming the first bad line."""
    answers: dict[str, str] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        separator = next((mark for mark in OBJECTION_SEPARATORS if mark in line), None)
        objection, _, answer = line.partition(separator) if separator else (line, "", "")
        if not objection.strip() or not answer.strip():
            raise ScriptCheckError(
                f'Line {number}: write it as "objection = answer", e.g. "too busy = It only takes…".'
            )
        answers[objection.strip()] = answer.strip()
    return answers


def objection_answers_text(answers: dict[str, str]) -> str:
    return "\n".join(f"{objection} = {answer}" for objection, answer in (answers or {}).items())


def opt_out_phrases_from(text: str) -> list[str]:
    """One phrase per non-blank line, written the way the understanding compares words (lower case, no
    punctuation but apostrophes), without repeats: "Don't call me!" is heard as "don't call me"."""
    phrases = []
    for line in (text or "").splitlines():
        phrase = re.sub(r"[^a-z0-9:' ]+", " ", line.lower().replace("’", "'"))
        phrase = re.sub(r"\s+", " ", phrase).strip()
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return phrases


def voice_problem(name: str) -> str:
    """Why the synthesiser could not load `name` ("" when it can): the bundled voice, or a Piper .onnx file
    with its .onnx.json beside it."""
    name = name.strip()
    if name == BUNDLED_VOICE:
        return ""
    path = Path(name)
    if path.suffix != ".onnx":
        return f'Use "{BUNDLED_VOICE}" or the path of a Piper voice file ending in .onnx.'
    if not path.is_absolute():
        return "Give the voice file's full path (starting with /)."
    if not path.is_file():
        return f"There is no voice file at {name}."
    if not Path(f"{name}.json").is_file():
        return f"The voice's settings file {path.name}.json must be beside it."
    return ""
