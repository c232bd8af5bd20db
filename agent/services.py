"""The agent's writes: an office's own voices, kept only once Piper has loaded them (scripts are written by
callscripts/services.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from agent.speech.tts import VoiceError, voice_check
from callscripts.voices import NAME as VOICE_NAME
from callscripts.voices import voice_folder, voice_names
from issetter.models import Office


class VoiceUploadError(ValueError):
    pass


class Upload(Protocol):  # an uploaded file, as Django hands it over
    def chunks(self) -> Iterable[bytes]: ...


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
