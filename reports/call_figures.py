"""The reports' figures over a set of calls — dialed, answered, person or machine, voicemails, booked and the
booking rate of answered calls, opt-outs, wrong numbers, callbacks asked, no answer, busy, talk time — in one
query per grouping: the whole period, each day (in the office's zone), or by script, run, staff member or office.
A call staff corrected counts as what they said it came to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncDate

from calls.models import Call

OUTBOUND = Q(direction=Call.Direction.OUTBOUND)
# What a call came to: staff's correction where they made one, else the agent's outcome
FINAL_OUTCOME = Case(
    When(~Q(reviewed_outcome=""), then=F("reviewed_outcome")), default=F("outcome"), output_field=CharField()
)
AGGREGATES = {
    "dialed": Count("pk", filter=OUTBOUND),
    "answered": Count("pk", filter=Q(answered_at__isnull=False)),
    "person": Count("pk", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
    "machine": Count("pk", filter=Q(answered_by=Call.AnsweredBy.MACHINE)),
    "voicemails": Count("pk", filter=Q(final_outcome=Call.Outcome.VOICEMAIL_LEFT)),
    "booked": Count("pk", filter=Q(final_outcome=Call.Outcome.BOOKED)),
    "opt_outs": Count("pk", filter=Q(final_outcome=Call.Outcome.DO_NOT_CALL)),
    "wrong_numbers": Count("pk", filter=Q(final_outcome=Call.Outcome.WRONG_PERSON)),
    "callbacks": Count("pk", filter=Q(final_outcome=Call.Outcome.CALLBACK)),
    "no_answer": Count("pk", filter=Q(final_outcome=Call.Outcome.NO_ANSWER)),
    "busy": Count("pk", filter=Q(final_outcome=Call.Outcome.BUSY)),
    "talk_seconds": Coalesce(Sum("billsec"), 0),
}
# How a grouping reads a call's key and names it on the page
GROUPINGS = {
    "script": ("script_id", "script__name", "No script"),
    "run": ("dial_run_id", "dial_run__created_at", "Not in a run (inbound)"),
    "staff": ("dial_run__started_by_id", "dial_run__started_by__email", "The scheduler (callbacks, campaigns)"),
    "office": ("office_id", "office__name", ""),
    "mood": ("summary_facts__mood", "summary_facts__mood", "Not summarised"),  # from the call's summary
}


@dataclass(frozen=True)
class CallFigures:
    label: str
    dialed: int = 0
    answered: int = 0
    person: int = 0
    machine: int = 0
    voicemails: int = 0
    booked: int = 0
    opt_outs: int = 0
    wrong_numbers: int = 0
    callbacks: int = 0
    no_answer: int = 0
    busy: int = 0
    talk_seconds: int = 0

    @property
    def booking_rate(self) -> float | None:
        """Booked out of the calls a person answered (None when nobody did)."""
        return round(100 * self.booked / self.person, 1) if self.person else None

    @property
    def talk_minutes(self) -> float:
        return round(self.talk_seconds / 60, 1)

    def row(self) -> dict:
        return {
            **{f.name: getattr(self, f.name) for f in fields(self) if f.name != "talk_seconds"},
            "booking_rate": self.booking_rate,
            "talk_minutes": self.talk_minutes,
        }


COLUMNS = [
    ("label", ""),
    ("dialed", "Dialed"),
    ("answered", "Answered"),
    ("person", "By a person"),
    ("machine", "By a machine"),
    ("voicemails", "Voicemails left"),
    ("booked", "Booked"),
    ("booking_rate", "Booking rate of answered (%)"),
    ("opt_outs", "Opt-outs"),
    ("wrong_numbers", "Wrong numbers"),
    ("callbacks", "Callbacks asked"),
    ("no_answer", "No answer"),
    ("busy", "Busy"),
    ("talk_minutes", "Talk time (min)"),
]


def _final(calls: QuerySet[Call]) -> QuerySet[Call]:
    return calls.alias(final_outcome=FINAL_OUTCOME)


def figures_total(calls: QuerySet[Call], *, label: str = "All calls") -> CallFigures:
    return CallFigures(label=label, **_final(calls).aggregate(**AGGREGATES))


def figures_by_day(calls: QuerySet[Call], *, zone, first_day: dt.date, last_day: dt.date) -> list[CallFigures]:
    """One row per day of the period, days without calls included (a time series with no gaps)."""
    found = {
        row.pop("day"): row
        for row in _final(calls).annotate(day=TruncDate("created_at", tzinfo=zone)).values("day").annotate(**AGGREGATES)
    }
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    return [CallFigures(label=day.isoformat(), **found.get(day, {})) for day in days]


def figures_by(calls: QuerySet[Call], *, grouping: str, zone) -> list[CallFigures]:
    """One row per script, run, staff member (who started the run) or office, most dialed first."""
    key, name, nameless = GROUPINGS[grouping]
    rows = _final(calls).values(*dict.fromkeys((key, name))).annotate(**AGGREGATES).order_by("-dialed", name)
    found = []
    for row in rows:
        number, title = row.pop(key), row.pop(name, None) if name != key else None
        title = number if name == key else title
        if isinstance(title, dt.datetime):
            title = f"Run {number}, {title.astimezone(zone):%b %-d, %-I:%M %p}"
        found.append(CallFigures(label=str(title) if title else nameless, **row))
    return found
