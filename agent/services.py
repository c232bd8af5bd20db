"""Writes for scripts: create and edit them (from the Scripts form's checked values), and which one is the
office's default. One default per office is a database constraint; moving it locks the office's row first,
so two people making different scripts the default one after the other cannot collide. And an office's own
voices: kept only once Piper has loaded them."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from django.db import IntegrityError, transaction

from agent.models import Script
from agent.speech.tts import VoiceError, voice_check
from agent.voices import NAME as VOICE_NAME
from agent.voices import voice_folder, voice_names
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
    "llm_model",
)


class ScriptNameTakenError(ValueError):
    pass


class VoiceUploadError(ValueError):
    pass


class Upload(Protocol):  # an uploaded file, as Django hands it over
    def chunks(self) -> Iterable[bytes]: ...


def script_ensure_default(*, office: Office) -> Script:
    """The office's default script, created from the built-in wording if the office has none."""
    script = Script.objects.filter(office=office, is_default=True).first()
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


def voice_add(*, office: Office, name: str, model: Upload, config: Upload) -> str:
    """Keep an office's own Piper voice as VOICES_DIR/<office id>/<name>.onnx with <name>.onnx.json, once Piper has
    loaded the pair; returns the name scripts use. The files appear together or not at all."""
    if not VOICE_NAME.fullmatch(name) or name in voice_names(office_id=office.pk):
        raise VoiceUploadError("Choose another name for this voice.")
    folder = voice_folder(office_id=office.pk)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".upload-"))
    try:
        staged_model, staged_config = staging / f"{name}.onnx", staging / f"{name}.onnx.json"
        for upload, path in ((model, staged_model), (config, staged_config)):
            with path.open("wb") as file:
                for chunk in upload.chunks():
                    file.write(chunk)
        try:
            voice_check(staged_model, staged_config)
        except VoiceError:
            raise VoiceUploadError(
                "Piper cannot speak with these files: upload a Piper voice's .onnx model with its own .onnx.json."
            ) from None
        for path in (staged_config, staged_model):  # the model last: a voice is listed once its .onnx is there
            os.chmod(path, 0o640)
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return name
