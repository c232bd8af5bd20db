"""Writes for scripts: create and edit them (from the Scripts form's checked values), and which one is the
office's default. One default per office is a database constraint; moving it locks the office's row first,
so two people making different scripts the default one after the other cannot collide."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from callscripts.models import Script
from callscripts.selectors import script_default
from issetter.models import Office

EDITABLE = (
    "name",
    "agent_name",
    "purpose",
    "appointment_type",
    "appointment_minutes",
    "greeting",
    "recording_notice",
    "objection_answers",
    "closing",
    "voicemail_message",
    "transfer_number",
    "opt_out_phrases",
    "voice",
    "dialogue_policy",
    "tone",
    "llm_model",
    "speech_model_answers",
    "facts",
)


class ScriptNameTakenError(ValueError):
    pass


def script_ensure_default(*, office: Office) -> Script:
    """The office's default script, created from the built-in wording if the office has none."""
    script = script_default(office_id=office.pk)
    if script is None:
        script = Script.objects.create(office=office, name="Annual review", is_default=True)
    return script


def script_create(*, office: Office, values: Mapping[str, Any]) -> Script:
    """A new script from checked values (the form's cleaned data); `is_default` makes it the office's default."""
    script = Script(office=office)
    return _script_save(script=script, values=values, make_default=bool(values.get("is_default")))


def script_update(*, script: Script, values: Mapping[str, Any]) -> Script:
    """The script with the checked values; `is_default` true makes it the default, false stops it being one."""
    return _script_save(script=script, values=values, make_default=bool(values.get("is_default")))


def script_make_default(*, script: Script) -> Script:
    with transaction.atomic():
        _lock_office(script.office_id)
        Script.objects.filter(office_id=script.office_id, is_default=True).exclude(pk=script.pk).update(
            is_default=False
        )
        Script.objects.filter(pk=script.pk).update(is_default=True)
    script.is_default = True
    return script


def _script_save(*, script: Script, values: Mapping[str, Any], make_default: bool) -> Script:
    for name in EDITABLE:
        if name in values:
            setattr(script, name, values[name])
    try:
        with transaction.atomic():
            if make_default:
                _lock_office(script.office_id)
                others = Script.objects.filter(office_id=script.office_id, is_default=True)
                others.exclude(pk=script.pk).update(is_default=False)
            script.is_default = make_default
            script.save()
    except IntegrityError:
        raise ScriptNameTakenError(f"Your office already has a script named {script.name!r}.") from None
    return script


def _lock_office(office_id: int) -> None:
    Office.objects.select_for_update().filter(pk=office_id).first()
