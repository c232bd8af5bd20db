"""`--now ISO-TIME`: the one way a command is told to act as if it were a given moment."""

from __future__ import annotations

import argparse
import datetime as dt

EXAMPLE = "2026-11-24T09:00:00-05:00"


def pinned_moment_parse(text: str) -> dt.datetime:
    """An ISO-8601 moment with its UTC offset; as argparse's `type=`, anything else is a usage error."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO-8601 time, e.g. {EXAMPLE}") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset: add one, e.g. {EXAMPLE}")
    return moment
