"""The tuning half of the phrasing table (agent/speech/phrasings.yaml): what the grammars hold whole and
what the domain language model learns from. Read once per process; never the held-out tables."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

TUNING_TABLE = Path(__file__).resolve().parent / "phrasings.yaml"


@functools.cache
def tuning_table() -> dict:
    return yaml.safe_load(TUNING_TABLE.read_text())
