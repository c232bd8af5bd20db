"""Writes for scripts."""

from __future__ import annotations

from agent.models import Script
from issetter.models import Office


def script_ensure_default(*, office: Office) -> Script:
    """The office's default script, created from the built-in wording if the office has none."""
    script = Script.objects.filter(office=office, is_default=True).first()
    if script is None:
        script = Script.objects.create(office=office, name="Annual review", is_default=True)
    return script
