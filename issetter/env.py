"""Strict reading of environment variables for settings.

A value that cannot be parsed is an error that names the variable, never a silent default:
`DEBUG=ture` stops the process instead of quietly running with DEBUG off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class Env:
    """Typed access to one mapping of variables (os.environ by default)."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self.values = os.environ if values is None else values

    def str(self, name: str, default: str = "") -> str:
        """The variable's text; `NAME_FILE` pointing at a file (a Docker secret) also works."""
        path = self.values.get(f"{name}_FILE", "")
        if path:
            try:
                return Path(path).read_text().strip()
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE: cannot read {path!r}: {exc.strerror}") from exc
        return self.values.get(name, default)

    def bool(self, name: str, default: bool) -> bool:
        raw = self.str(name, "").strip()
        if raw == "":
            return default
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{name} must be one of true/false, yes/no, on/off, 1/0; got {raw!r}")

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        raw = self.str(name, "").strip()
        if raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
        return value

    def float(self, name: str, default: float, *, minimum: float | None = None) -> float:
        raw = self.str(name, "").strip()
        if raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            raise ImproperlyConfigured(f"{name} must be a number; got {raw!r}")
        if minimum is not None and value < minimum:
            raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {raw}")
        return value

    def list(self, name: str, default: list[str]) -> list[str]:
        raw = self.str(name, "")
        if raw.strip() == "":
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default).strip().lower() or default
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
        return value


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a simple KEY=VALUE file (comments and blank lines allowed, optional quotes)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :]
        key, sep, value = line.partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values
