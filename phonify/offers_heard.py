"""What a persona makes of the times an agent says: the times in its words ("tomorrow at noon", "Friday,
November 27 at 9 AM"), a turn's placeholders filled from the last times offered ("{day2} at {hour2}"), and
— once a persona's own turns are said — its answers to the agent's questions about times, from the times
it accepts (`accepts`: windows such as {weekday: tuesday, after: "15:00"}, or the time a turn picked).

Phonify's own reading, written apart from the agent's (it imports nothing of the product).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SAID_TIME = re.compile(
    r"\b(?P<day>today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:,? (?P<month>[a-z]+) (?P<date>\d{1,2}))? at "
    r"(?P<clock>noon|(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))? (?P<half>am|pm))",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"\{(day|weekday|time|hour|part)([1-3])\}")
ORDINALS = ("first", "second", "third")


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip


@dataclass(frozen=True)
class SaidTime:
    day: str  # as said: "today", "tomorrow", "friday"
    weekday: str  # "friday"
    hour: int  # 24-hour clock
    minute: int
    date: dt.date

    @property
    def clock(self) -> str:
        if (self.hour, self.minute) == (12, 0):
            return "noon"
        hour = self.hour % 12 or 12
        return f"{hour}:{self.minute:02d}" if self.minute else str(hour)

    @property
    def time(self) -> str:
        return self.clock if self.clock == "noon" else f"{self.clock} {'AM' if self.hour < 12 else 'PM'}"

    @property
    def part(self) -> str:
        return "morning" if self.hour < 12 else "afternoon"

    def key(self) -> str:
        return f"{self.weekday} {self.hour:02d}:{self.minute:02d}"


def times_said(text: str, today: dt.date | None = None) -> list[SaidTime]:
    """The times in the agent's words, in order."""
    found = []
    for match in SAID_TIME.finditer(text):
        day = match.group("day").lower()
        if match.group("clock").lower() == "noon":
            hour, minute = 12, 0
        else:
            hour, minute = int(match.group("hour")) % 12, int(match.group("minute") or 0)
            hour += 12 if match.group("half").lower() == "pm" else 0
        found.append(SaidTime(day=day, weekday=WEEKDAYS[(date := _date(match, today)).weekday()], hour=hour,
                              minute=minute, date=date))  # fmt: skip
    return found


def _date(match: re.Match, today: dt.date | None) -> dt.date:
    base = today or dt.date.today()
    day = match.group("day").lower()
    if day in ("today", "tomorrow"):
        return base + dt.timedelta(days=1 if day == "tomorrow" else 0)
    month = (match.group("month") or "").lower()
    if month in MONTHS and match.group("date"):
        year = base.year + (1 if MONTHS.index(month) + 1 < base.month else 0)
        try:
            return dt.date(year, MONTHS.index(month) + 1, int(match.group("date")))
        except ValueError:
            pass
    return base + dt.timedelta(days=(WEEKDAYS.index(day) - base.weekday()) % 7)


def filled(template: str, offered: list[SaidTime]) -> tuple[str, bool]:
    """The turn's words with placeholders from the times offered; False when a placeholder had no time."""
    missing = False

    def value(match: re.Match) -> str:
        nonlocal missing
        what, index = match.group(1), int(match.group(2)) - 1
        if index >= len(offered):
            missing = True
            return "the one"
        said = offered[index]
        text = {"day": said.day, "weekday": said.weekday, "time": said.time, "hour": said.clock, "part": said.part}[
            what
        ]
        return text.capitalize() if what in ("day", "weekday") and text not in ("today", "tomorrow") else text

    words = PLACEHOLDER.sub(value, template)
    return words[:1].upper() + words[1:], not missing


def fits(said: SaidTime, window: dict, *, today: dt.date | None = None) -> bool:
    """Whether a persona that wants `window` accepts `said`."""
    if "pick" in window:
        return said.key() == window["pick"]
    if window.get("weekday") and said.weekday != str(window["weekday"]).lower():
        return False
    if window.get("month_day") and said.date.day != int(window["month_day"]):
        return False
    if window.get("next_week"):
        base = today or dt.date.today()
        if said.date < base + dt.timedelta(days=7 - base.weekday()):
            return False
    minutes = said.hour * 60 + said.minute
    if window.get("after") and minutes < _minutes(window["after"]):
        return False
    if window.get("before") and minutes >= _minutes(window["before"]):
        return False
    return True


def _minutes(clock) -> int:
    hours, minutes = str(clock).split(":")
    return int(hours) * 60 + int(minutes)


UNAVAILABLE = re.compile(r"\b(?:isn't free|is not free|not available|was just taken|is taken|no longer free)\b")


def times_offered(text: str, today: dt.date | None = None) -> list[SaidTime]:
    """The times the agent offers in its words: those after it says a time is not free, if it does ("I'm
    sorry, Wednesday at 10 AM isn't free. The nearest I have is …")."""
    unavailable = list(UNAVAILABLE.finditer(text.lower()))
    return times_said(text[unavailable[-1].end() :] if unavailable else text, today)


def taken(agent_words: str) -> bool:
    """The agent says the time the persona wanted has gone: a person then takes one of the others."""
    return bool(UNAVAILABLE.search(agent_words.lower()))


def reply_to(agent_words: str, accepts: list[dict], *, today: dt.date | None = None) -> str | None:
    """What a persona with its own turns said answers to the agent's next question, or None."""
    lowered = agent_words.lower()
    offered = times_offered(agent_words, today)
    if not accepts:
        return None
    if re.search(r"shall i book|was that a yes|book it\?", lowered) and offered:
        return (
            "Yes, please."
            if any(fits(offered[-1], window, today=today) for window in accepts)
            else ("No, that doesn't work for me.")
        )
    if offered and ("?" in agent_words):
        for index, said in enumerate(offered):
            if any(fits(said, window, today=today) for window in accepts):
                return "That one, please." if len(offered) == 1 else f"The {ORDINALS[index]} one, please."
        return "No, none of those work for me."
    if "am i speaking with" in lowered:
        return "Yes."
    return None
