"""Times in the callee's words, from normalised text (`phrases.normalised`): a choice among the times on
offer ("the second one", "the earlier one"), a weekday, today or tomorrow, a day of the month ("the
twelfth"), an hour ("at 3", "ten thirty", "noon"), a part of the day, a bound ("any time after three",
"before noon", "not mornings") and "next week"."""

from __future__ import annotations

import re

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CHOICES = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "last": -1, "earlier": 0,
           "earliest": 0, "later": -1, "latest": -1, "former": 0, "latter": -1}  # fmt: skip
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
DAY_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "twenty first": 21,
    "twenty second": 22, "twenty third": 23, "twenty fourth": 24, "twenty fifth": 25, "twenty sixth": 26,
    "twenty seventh": 27, "twenty eighth": 28, "twenty ninth": 29, "thirtieth": 30, "thirty first": 31,
}  # fmt: skip
DAY_ORDINALS_LONGEST_FIRST = tuple(sorted(DAY_ORDINALS.items(), key=lambda item: -len(item[0])))
PARTS = {"morning": "morning", "mornings": "morning", "afternoon": "afternoon", "afternoons": "afternoon",
         "evening": "evening", "evenings": "evening", "lunch": "afternoon", "lunchtime": "afternoon",
         "after lunch": "afternoon", "am": "morning", "pm": "afternoon"}  # fmt: skip
OPPOSITE = {"morning": "afternoon", "afternoon": "morning", "evening": "morning"}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")  # fmt: skip
LATER_WEEK = re.compile(
    r"\b(?:next week|not this week|later in the week|week after|following week|the week of|"
    r"next (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)
_HOUR_WORD = "|".join(NUMBERS)
_MINUTE_WORD = r"(?:o ?clock|oh five|fifteen|thirty|forty five|forty|twenty|ten|45|30|15|00)"
CLOCK = re.compile(
    rf"\b(?:(?P<lead>at|around|about|by|for|after|before|until|till|from|past|is|say|maybe|how about|like)\s)?"
    rf"(?P<hour>\d{{1,2}}|{_HOUR_WORD}|noon|midday)"
    rf"(?::(?P<mm>\d{{2}})|\s(?P<mword>{_MINUTE_WORD}))?"
    rf"(?:\s?(?P<suffix>am|pm|in the morning|in the afternoon|in the evening|at night|o ?clock|ish))?\b"
)
BOUND = re.compile(rf"\b(?P<kind>after|past|later than|before|earlier than|by|until|till) (?:about |around )?"
                   rf"(?P<hour>\d{{1,2}}|{_HOUR_WORD}|noon|midday|lunch|lunchtime)(?:\s?(?P<suffix>am|"
                   rf"pm))?\b")  # fmt: skip


# Spans of the day in words: (after, before) hours
SPANS = (
    (r"\bfirst thing\b|\bearly (?:in the )?morning\b|\bfirst appointment\b", (None, 10)),
    (r"\blate (?:in the )?morning\b|\bmid ?morning\b", (10, 12)),
    (r"\bearly (?:in the )?afternoon\b|\blunch ?time\b|\baround lunch\b", (12, 14)),
    (
        r"\blate (?:in the )?afternoon\b|\bend of the day\b|\bend of (?:the )?business\b|\blast appointment\b|"
        r"\blater (?:in|on in) the day\b|\blate in the day\b",
        (15, None),
    ),
)
BUSY_UNTIL = re.compile(
    rf"\b(?:(?:work|working|busy|tied up|in meetings|at work|at school|on shift|out) (?:until|till|til)|"
    rf"(?:get|getting|am|i am) (?:off|out)(?: of \w+| work| shift)? (?:at|around)|"
    rf"(?:finish|done) (?:work |working )?(?:at|around)) "
    rf"(?:about |around )?(?P<hour>\d{{1,2}}|{_HOUR_WORD}|noon)(?:\s?(?P<suffix>am|pm))?\b"
)
# "between one and three": after the first, before the second; "three or later", "eleven or after": after it
BETWEEN = re.compile(rf"\bbetween (?P<hour>\d{{1,2}}|{_HOUR_WORD}|noon)(?:\s?(?P<suffix>am|pm))? and "
                     rf"(?P<until>\d{{1,2}}|{_HOUR_WORD}|noon)(?:\s?(?P<until_suffix>am|pm))?\b")  # fmt: skip
OR_LATER = re.compile(rf"\b(?:half )?(?P<hour>\d{{1,2}}|{_HOUR_WORD}|noon)(?:\s?(?P<suffix>am|pm))?(?: \w+)? "
                      rf"(?:or (?:later|after)|and (?:later|after)|onwards?)\b")  # fmt: skip
DURATION = re.compile(r"\s*(?:more |or so |odd )?(?:minutes?|mins?|hours?|days?|weeks?|months?|years?|seconds?|ago)\b")
HALF_PAST = re.compile(rf"\b(?P<kind>half past|quarter past|quarter to|quarter of) (?P<hour>\d{{1,2}}|{_HOUR_WORD})\b")


def time_details(said: str) -> dict:
    """Every time detail found in `said` (normalised text); keys as `Understood`'s fields."""
    found: dict = {"choice": None, "weekday": None, "day_offset": None, "month_day": None, "hour": None,
                   "minute": 0, "part": None, "after": None, "before": None}  # fmt: skip
    padded = f" {said} "
    found["next_week"] = bool(LATER_WEEK.search(said))
    found["choice"] = _choice(said)
    for index, day in enumerate(WEEKDAYS):
        if re.search(rf"\b{day}s?\b", said) or re.search(rf"\b{day[:3]}\b", said):
            found["weekday"] = index
    if " tomorrow " in padded:
        found["day_offset"] = 1
    elif re.search(r"\b(?:today|this afternoon|this morning|this evening|tonight)\b", said):
        found["day_offset"] = 0
    found["month_day"] = _month_day(said)
    found["part"] = _part(said)
    bound = BOUND.search(said)
    if bound:
        hour = _bound_hour(bound)
        if hour is not None:
            later = bound.group("kind") in ("after", "past", "later than")
            if said[: bound.start()].endswith("not "):  # "not before ten": from ten on
                later = not later
            found["after" if later else "before"] = hour
    between = BETWEEN.search(said)
    if between and found["after"] is None and found["before"] is None:
        found["after"] = _spoken_hour(between.group("hour"), between.group("suffix"))
        until = _spoken_hour(between.group("until"), between.group("until_suffix"))
        found["before"] = until if until > found["after"] else None
    later = None if bound or between else OR_LATER.search(said)
    if later:
        found["after"] = _spoken_hour(later.group("hour"), later.group("suffix"))
    busy = BUSY_UNTIL.search(said)
    if busy and found["after"] is None:  # "I work till five", "I get off at two": free after then
        raw = busy.group("hour")
        found["after"] = (
            12 if raw == "noon" else _hour24(int(raw) if raw.isdigit() else NUMBERS[raw], busy.group("suffix") or "")
        )
        found["before"] = None
    for pattern, (after, before) in SPANS:
        if re.search(pattern, said) and found["after"] is None and found["before"] is None:
            found["after"], found["before"] = after, before
    half = HALF_PAST.search(said)
    clock = _clock(said, skip=[match.span() for match in (bound, busy, between, later) if match])
    if half:
        hour = _hour24(int(half.group("hour")) if half.group("hour").isdigit() else NUMBERS[half.group("hour")], "")
        minute = {"half past": 30, "quarter past": 15}.get(half.group("kind"), -15)
        found["hour"], found["minute"] = (hour - 1, 45) if minute < 0 else (hour, minute)
        if bound and bound.group("kind") == "past":
            found["after"] = None
    elif clock is not None and not busy:
        found["hour"], found["minute"] = clock
    if found["hour"] is None and "tonight" in said:
        found["part"] = found["part"] or "evening"
    return found


PICK_ENDS = r"(?:$| please| thanks| thank you| works| would work| is fine| is good| sounds good| then| i guess| for me)"


def _choice(said: str) -> int | None:
    """A pick among the times on offer by its place: "the second one", "the earlier option", or "the last"
    as the whole answer ("the last please") — never "the last thing I need"."""
    for word, index in CHOICES.items():
        if re.search(rf"\b(?:the )?{word}(?: one| option| time| slot| appointment| of (?:those|them|the \w+))\b", said):
            return index
        if word in ("first", "second", "third", "last") and re.search(rf"\bthe {word}{PICK_ENDS}", said):
            return index
    return None


def _month_day(said: str) -> int | None:
    for words, day in DAY_ORDINALS_LONGEST_FIRST:
        if day <= 3 and not re.search(rf"\b(?:on the|the {words} of)\b", said):
            continue  # "the first" is a choice among the offers unless it is plainly a date
        if re.search(rf"\b(?:on )?the {words}\b(?! (?:one|option|time|slot))", said):
            return day
    numbered = re.search(r"\b(?:on )?the (\d{1,2})(?:st|nd|rd|th)\b", said) or re.search(
        rf"\b(?:{'|'.join(MONTHS)}) (\d{{1,2}})(?:st|nd|rd|th)?\b", said
    )
    if numbered and 1 <= int(numbered.group(1)) <= 31:
        return int(numbered.group(1))
    return None


# A part of the day ruled out ("not mornings", "I can't do mornings", "I work afternoons"): the other is meant
NEGATED_PART = re.compile(
    r"\b(?:(?:not|no|never)(?: (?:do|make|manage|handle|good|great|available|free))?|"
    r"(?:i|we) (?:work|am working|are working|am at work|are at work)) (?:in the )?(mornings?|afternoons?|evenings?)\b"
)


def _part(said: str) -> str | None:
    negated = NEGATED_PART.search(said)
    if negated:
        return OPPOSITE[PARTS[negated.group(1)]]
    for words in ("after lunch", "lunchtime", "lunch", "mornings", "morning", "afternoons", "afternoon",
                  "evenings", "evening"):  # fmt: skip
        if re.search(rf"\b{words}\b", said):
            return PARTS[words]
    return None


def _clock(said: str, skip: list[tuple[int, int]]) -> tuple[int, int] | None:
    for match in CLOCK.finditer(said):
        if any(start <= match.start("hour") < end for start, end in skip):
            continue
        raw, lead, suffix = match.group("hour"), match.group("lead"), (match.group("suffix") or "")
        if DURATION.match(said, match.end()):
            continue  # "left about ten minutes ago", "for two hours": a length of time, not a clock time
        if raw in ("noon", "midday"):
            return 12, 0
        minute = _minute(match)
        numeric = raw.isdigit()
        if not (lead or suffix or match.group("mm") or (match.group("mword") and not numeric)):
            continue  # "I have two kids" is no time: a time has "at", a suffix or minutes
        if lead in ("is", "like", "say", "maybe", "for") and not (suffix or match.group("mm") or match.group("mword")):
            continue
        hour = int(raw) if numeric else NUMBERS[raw]
        if hour > 23 or minute > 59:
            continue
        return _hour24(hour, suffix), minute
    return None


def _minute(match: re.Match) -> int:
    if match.group("mm"):
        return int(match.group("mm"))
    word = (match.group("mword") or "").replace(" ", "")
    return {"fifteen": 15, "15": 15, "thirty": 30, "30": 30, "fortyfive": 45, "45": 45, "forty": 40, "twenty": 20,
            "ten": 10, "ohfive": 5}.get(word, 0)  # fmt: skip


def _spoken_hour(raw: str, suffix: str | None) -> int:
    if raw == "noon":
        return 12
    return _hour24(int(raw) if raw.isdigit() else NUMBERS[raw], suffix or "")


def _bound_hour(match: re.Match) -> int | None:
    raw = match.group("hour")
    if raw in ("noon", "midday", "lunch", "lunchtime"):
        return 12 if raw in ("noon", "midday") else 13
    hour = int(raw) if raw.isdigit() else NUMBERS.get(raw)
    if hour is None or hour > 23:
        return None
    return _hour24(hour, match.group("suffix") or "")


def _hour24(hour: int, suffix: str) -> int:
    """A spoken hour on a 24-hour clock: "3 pm" is 15; a bare 1–7 means the afternoon in business hours."""
    suffix = suffix.replace(" ", "")
    if suffix in ("pm", "intheafternoon", "intheevening", "atnight") and hour < 12:
        return hour + 12
    if suffix in ("am", "inthemorning") and hour == 12:
        return 0
    if suffix not in ("am", "inthemorning") and 1 <= hour <= 7:
        return hour + 12
    return hour
