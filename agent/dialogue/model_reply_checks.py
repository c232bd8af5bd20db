"""What the model that conducts a call may not say, checked sentence by sentence before the voice says it:
a time the slot finder did not return on this call (on the day the sentence names, if it names one; a day
named alone offers nothing and may be said), a claim that something was booked, cancelled or
taken off a list (only the tools do that, and their scripted lines say so), a price, discount or promise the
office's facts do not state, and a number the facts do not state."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from agent.dialogue.spoken_times import WEEKDAYS

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_CLAIMS = re.compile(
    r"\b(you'?re (all )?(set|booked|scheduled)|i'?ve (booked|scheduled|cancell?ed|moved|removed|taken)|"
    r"(is|are|has been|have been|was) (booked|scheduled|confirmed|cancell?ed|moved)|booked you|scheduled you|"
    r"off (our|the) (list|calling list)|won'?t (call|contact) you|do[- ]not[- ]call list)\b",
    re.IGNORECASE,
)
_PROMISES = re.compile(
    r"\b(discounts?|guarantee[ds]?|refunds?|prices?|pricing|costs?|fees?|waive[ds]?|rebates?|cheaper|savings?|"
    r"percent|dollars?|complimentary|promise[ds]?|free of charge|no charge|at no cost)\b|[$%]",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    rf"\b(?P<portion>half|quarter)\s+(?P<relation>past|after|to)\s+(?P<base>\d{{1,2}}|{'|'.join(NUMBER_WORDS)})\b"
    r"|\b(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?(?=\W|$)"
    rf"|\b(?P<word>{'|'.join(NUMBER_WORDS)})(?:[ -](?P<words_minute>fifteen|thirty|forty[ -]five))?"
    r"\s*(?P<word_ampm>o'?clock|[ap]\.?\s?m\.?)?(?=\W|$)"
    r"|\b(?P<noon>noon|midday)\b",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(rf"\b(?P<month>{'|'.join(MONTHS)})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_RELATIVE_DAY = re.compile(r"\b(today|tomorrow|tonight)\b", re.IGNORECASE)
_WEEKDAY = re.compile(rf"\b(?P<day>{'|'.join(WEEKDAYS)})s?\b", re.IGNORECASE)
_WORD_MINUTES = {"fifteen": 15, "thirty": 30, "forty five": 45, "forty-five": 45}


def reply_problem(
    sentence: str, *, known: Iterable[dt.datetime], zone: dt.tzinfo, now: dt.datetime, facts: Iterable[str] = ()
) -> str:
    """Why the model's sentence may not be said ("" when it may). `known`: every time the tools returned on
    this call; `facts`: the script's facts and objection answers, whose own words the model may repeat."""
    stated = " ".join(facts).lower()
    if _CLAIMS.search(sentence):
        return "it says something was done that only the tools do"
    for found in _PROMISES.finditer(sentence):
        if found.group(0).lower() not in stated:
            return f"it promises what the facts do not say ({found.group(0)!r})"
    locals_ = [moment.astimezone(zone) for moment in known]
    days = _days_named(sentence, today=now.astimezone(zone).date())
    for found in _CLOCK.finditer(_MONTH_DAY.sub(" ", sentence)):
        said = _clock(found)
        if said is None or found.group(0).strip().lower() in stated:
            continue
        fitting = [moment for moment in locals_ if _same_clock(moment, *said)]
        if days:  # "Thursday at noon": a free time at that hour on a day the sentence names
            fitting = [moment for moment in fitting if any(day(moment) for day in days)]
        if not fitting:
            return f"it names a time the calendar did not offer ({found.group(0).strip()!r})"
    return ""


def _days_named(sentence: str, *, today: dt.date) -> list:
    """Tests, one per day the sentence names, of whether a local moment is on it. A day named alone is no
    offer; with a time beside it, that time must be free on that day."""
    days = []
    for found in _MONTH_DAY.finditer(sentence):
        month, day = MONTHS.index(found["month"].lower()) + 1, int(found["day"])
        days.append(lambda moment, month=month, day=day: (moment.month, moment.day) == (month, day))
    for found in _RELATIVE_DAY.finditer(sentence):
        date = today + dt.timedelta(days=0 if found[0].lower() in ("today", "tonight") else 1)
        days.append(lambda moment, date=date: moment.date() == date)
    for found in _WEEKDAY.finditer(sentence):
        weekday = WEEKDAYS.index(found["day"].lower())
        days.append(lambda moment, weekday=weekday: moment.weekday() == weekday)
    return days


def _clock(found: re.Match) -> tuple[int, int, str | None] | None:
    """(hour on a 12-hour clock, minute, "am"/"pm"/None) of a time said; None for a number that is no time."""
    if found["noon"]:
        return 12, 0, "pm"
    if found["portion"]:
        base = found["base"].lower()
        hour = int(base) if base.isdigit() else NUMBER_WORDS.index(base) + 1
        minutes = 30 if found["portion"].lower() == "half" else 15
        if found["relation"].lower() == "to":
            hour, minutes = (hour - 2) % 12 + 1, 60 - minutes
        return (hour % 12 or 12), minutes, None
    if found["word"]:
        minute = _WORD_MINUTES.get((found["words_minute"] or "").lower().replace("-", " "), 0)
        marker = (found["word_ampm"] or "").lower()
        if not marker and not found["words_minute"]:
            return None  # "one of those", "two times": a number word alone is not a time
        return NUMBER_WORDS.index(found["word"].lower()) + 1, minute, _am_pm(marker)
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["minute"] is None and not found["ampm"]:
        return -1, hour, None  # a bare number: a time only if some free time's hour is that number
    if not 0 <= hour <= 23 or minute > 59:
        return -1, -1, None
    return (hour % 12 or 12), minute, _am_pm((found["ampm"] or "").lower()) or ("pm" if hour > 12 else None)


def _am_pm(marker: str) -> str | None:
    marker = marker.replace(".", "").replace(" ", "")
    return marker if marker in ("am", "pm") else None


def _same_clock(moment: dt.datetime, hour: int, minute: int, half: str | None) -> bool:
    if hour == -1:  # a bare number ("at 3", "in 30 minutes"): the hour of a free time, else not said
        return (moment.hour % 12 or 12) == minute
    if (moment.hour % 12 or 12, moment.minute) != (hour, minute):
        return False
    return half is None or half == ("am" if moment.hour < 12 else "pm")
