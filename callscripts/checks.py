"""What a script must get right before a call can use it: placeholders that exist (a typo such as {frist_name}
would be read out as written), a greeting that names the office and says the caller is automated (the calling
rules' disclosure), objection answers and opt-out phrases in their shapes, a transfer number in E.164, and a
voice of the office's. `script_problems` runs them all over a script as stored; `Script.clean` raises them, so
the Scripts editor and the admin refuse the same things with the same messages, and a call set aside a script
stored before (or around) these checks."""

from __future__ import annotations

import difflib
import re
import string
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from callscripts.placeholders import PLACEHOLDERS
from callscripts.voices import voice_file, voice_unknown
from issetter.models import Office
from issetter.validators import validate_e164

if TYPE_CHECKING:
    from callscripts.models import Script

DISCLOSURE = re.compile(r"\b(automated|assistant|AI)\b", re.IGNORECASE)
OFFICE_PLACEHOLDERS = ("office_name", "office_legal_name")
OBJECTION_SEPARATORS = ("=", "→", "->")
SPOKEN_FIELDS = ("greeting", "recording_notice", "purpose", "closing", "voicemail_message")
TEXT_LIMIT = 2000
MINUTES_LIMITS = (MinValueValidator(5), MaxValueValidator(480))


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
    if not isinstance(answers, dict):  # stored before the checks; the script's page says what is wrong
        return ""
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


def voice_problem(name: str, *, office_id: int | None) -> str:
    """ "" when the script may use the voice: the bundled one or one of the office's own. One message for a name
    that is missing, another office's or a path, so the answer tells nobody which files exist."""
    return "" if voice_file(office_id=office_id, name=name) is not None else voice_unknown(str(name))


def script_problems(script: Script) -> dict[str, list[str]]:
    """Every check over the script as stored, by field: {} when a call can use it."""
    problems: dict[str, list[str]] = {}

    def add(field: str, messages: list[str]) -> None:
        if messages:
            problems.setdefault(field, []).extend(messages)

    for field in SPOKEN_FIELDS:
        text = getattr(script, field)
        if not isinstance(text, str):
            add(field, ["Write this as text."])
            continue
        add(field, _validator_messages(MaxLengthValidator(TEXT_LIMIT), text) + _placeholder_errors(text))
    office = script.office if script.office_id else None
    if office is not None and isinstance(script.greeting, str):
        add("greeting", greeting_problems(script.greeting, office=office))
    minutes = script.appointment_minutes
    if isinstance(minutes, int):
        add("appointment_minutes", [m for limit in MINUTES_LIMITS for m in _validator_messages(limit, minutes)])
    add("objection_answers", _objection_answer_problems(script.objection_answers))
    phrases = script.opt_out_phrases
    if not isinstance(phrases, list) or not all(isinstance(phrase, str) for phrase in phrases):
        add("opt_out_phrases", ['Write the opt-out phrases as a list of phrases, e.g. ["leave me alone"].'])
    transfer = script.transfer_number
    if not isinstance(transfer, str):
        add("transfer_number", ["Enter the number in international form, e.g. +12025550143."])
    elif transfer:
        add("transfer_number", _validator_messages(validate_e164, transfer))
    add("voice", [problem] if (problem := voice_problem(script.voice, office_id=script.office_id)) else [])
    return problems


def script_problem_lines(script: Script) -> list[str]:
    """The script's problems as lines for a page or a call's flag: "Greeting: …"."""
    labels = {field.name: str(field.verbose_name).capitalize() for field in script._meta.fields}
    return [f"{labels.get(field, field)}: {message}" for field, messages in script_problems(script).items()
            for message in messages]  # fmt: skip


def _objection_answer_problems(answers) -> list[str]:
    if not isinstance(answers, dict) or not all(
        isinstance(objection, str) and isinstance(answer, str) for objection, answer in answers.items()
    ):
        return ['Write the objection answers as {"objection": "answer", …}.']
    return [problem for answer in answers.values() for problem in _placeholder_errors(answer)]


def _placeholder_errors(text: str) -> list[str]:
    try:
        return placeholder_problems(text)
    except ScriptCheckError as problem:
        return [str(problem)]


def _validator_messages(validator, value) -> list[str]:
    try:
        validator(value)
    except ValidationError as problem:
        return list(problem.messages)
    return []
