"""django-q2 tasks of calendars (ids in, one service called)."""

from __future__ import annotations

from calendars.sync import calendar_sync_all


def calendar_sync_task() -> int:
    """The schedule's every-ten-minutes pull of every connected calendar; returns how many were read."""
    return sum(1 for summary in calendar_sync_all() if not summary.problem)
