"""Times of day as model defaults, given as functions: Django's check for fixed defaults (fields.W161) warns about
a fixed time when it runs within ten seconds of that time of day, so `check --deploy` failed at 9:00:00 sharp."""

from __future__ import annotations

import datetime as dt


def eight_am() -> dt.time:
    return dt.time(8, 0)


def nine_am() -> dt.time:
    return dt.time(9, 0)


def five_pm() -> dt.time:
    return dt.time(17, 0)


def nine_pm() -> dt.time:
    return dt.time(21, 0)
