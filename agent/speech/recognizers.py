"""Which recogniser the agent process uses: pocketsphinx on the calling threads (`recognizer.py`), or its
decoders in worker processes (`recognizer_processes.py`) when the settings ask for them. The one place that
chooses, above both, so neither imports the other's chooser."""

from __future__ import annotations

from agent.speech.recognizer import Recognizer, SphinxRecognizer
from agent.speech.recognizer_processes import RecognizerProcesses

_shared: Recognizer | None = None


def recognizer_default() -> Recognizer:
    """The process's recogniser: decoders in worker processes when AGENT_RECOGNITION_PROCESSES asks for
    them, else on the calling threads."""
    global _shared
    if _shared is None:
        processes = _processes_wanted()
        _shared = RecognizerProcesses(processes) if processes else SphinxRecognizer()
    return _shared


def _processes_wanted() -> int:
    from django.conf import settings

    return int(getattr(settings, "AGENT_RECOGNITION_PROCESSES", 0)) if settings.configured else 0
