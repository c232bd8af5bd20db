"""Reads for scripts: the office's list, whether a name is taken, and a script's lines as a sample customer
hears them (the Scripts page's preview)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from agent.models import Script
from agent.script_lines import lines_for
from customers.models import Customer
from issetter.models import Office

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


def script_list(*, office: Office) -> QuerySet[Script]:
    return Script.objects.filter(office=office).order_by("-is_default", "name")


def script_name_taken(*, office: Office, name: str, other_than: Script | None = None) -> bool:
    scripts = Script.objects.filter(office=office, name__iexact=name.strip())
    if other_than is not None and other_than.pk:
        scripts = scripts.exclude(pk=other_than.pk)
    return scripts.exists()


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
