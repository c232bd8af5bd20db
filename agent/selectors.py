"""The agent's reads of scripts: a script's lines as a sample customer hears them (the Scripts page's preview),
and the script a call uses (never one that fails its checks). The office's scripts themselves are listed by
callscripts/selectors.py."""

from __future__ import annotations

from dataclasses import dataclass

from agent.script_lines import lines_for
from calls.models import Call
from callscripts.checks import script_problem_lines, script_problems
from callscripts.models import Script
from callscripts.selectors import script_default
from callscripts.voices import voice_file
from customers.models import Customer

SAMPLE_FIRST_NAME = "Maria"
# The lines a preview plays: (URL key, label, Script field, Lines attribute).
PREVIEW_LINES = (
    ("greeting", "Greeting", "greeting", "greeting"),
    ("recording-notice", "Recording notice", "recording_notice", "recording_notice"),
    ("purpose", "Purpose", "purpose", "purpose"),
    ("closing", "Closing", "closing", "closing"),
    ("voicemail", "Voicemail message", "voicemail_message", "voicemail"),
)


@dataclass(frozen=True)
class PreviewLine:
    key: str
    label: str
    written: str  # as the script has it, placeholders and all
    heard: str  # filled in for the sample customer


def script_preview_lines(*, script: Script) -> list[PreviewLine]:
    """The script's lines filled in for a sample customer (Maria) with the office's real name and callback
    number, as the agent would say them."""
    lines = lines_for(script=script, customer=Customer(first_name=SAMPLE_FIRST_NAME), office=script.office)
    return [
        PreviewLine(key, label, getattr(script, field) or "", getattr(lines, attribute))
        for key, label, field, attribute in PREVIEW_LINES
    ]


def script_preview_line(*, script: Script, key: str) -> PreviewLine | None:
    return next((line for line in script_preview_lines(script=script) if line.key == key), None)


@dataclass(frozen=True)
class CallScript:
    script: Script
    voice: str  # what the synthesiser loads: "" for the bundled voice, else the office's voice file
    problem: str = ""  # why the call's script, or its voice, was set aside ("" when nothing was)


def script_for_call(*, call: Call) -> CallScript:
    """The call's script (else the office's default, else the built-in wording) as long as it passes its checks.
    One stored before the checks, or edited around them, is set aside for the office's default (or the built-in
    script) rather than failing the call; one whose only fault is its voice keeps its words, in the bundled
    voice. `problem` says which, for the call's flag."""
    default = script_default(office_id=call.office_id)
    chosen = call.script or default or Script(office=call.office, name="the built-in script")
    problems = script_problems(chosen)
    if not problems:
        return CallScript(chosen, voice_file(office_id=call.office_id, name=chosen.voice) or "")
    why = f'Script "{chosen.name}" failed its checks ({script_problem_lines(chosen)[0]})'
    if set(problems) == {"voice"}:
        return CallScript(chosen, "", f"{why}; the call used the bundled voice.")
    if default is not None and default.pk != chosen.pk and not set(script_problems(default)) - {"voice"}:
        voice = voice_file(office_id=call.office_id, name=default.voice) or ""
        return CallScript(default, voice, f'{why}; the call used the default script "{default.name}".')
    return CallScript(Script(office=call.office), "", f"{why}; the call used the built-in script.")
