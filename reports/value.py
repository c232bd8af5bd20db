"""The business case for a period: what the office's calls cost (trunk minutes, the voice host, per call),
what each booking cost, the staff hours the agent took over, and the estimated value of its bookings —
each figure with the sum that produced it, from the office's own assumptions (reports.models.CostSettings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce

from calls.models import Call
from issetter.models import Office
from reports.call_figures import FINAL_OUTCOME
from reports.models import CostSettings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date  # inclusive
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC, exclusive

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def period_of(*, office: Office, first_day: dt.date, last_day: dt.date) -> Period:
    """The office's local days first_day…last_day (inclusive) as UTC instants, DST-correct."""
    if last_day < first_day:
        first_day, last_day = last_day, first_day
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=office.zone)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=office.zone)
    return Period(first_day, last_day, start.astimezone(dt.UTC), end.astimezone(dt.UTC))


@dataclass(frozen=True)
class Line:
    label: str
    value: Decimal | int | None  # None: no such figure (a cost per booking without bookings)
    unit: str  # "money", "count", "hours", "minutes"
    how: str  # the sum behind it, in words and numbers


@dataclass(frozen=True)
class ValueReport:
    period: Period
    costs: CostSettings
    calls: int
    answered: int
    bookings: int
    talk_minutes: Decimal
    billed_minutes: Decimal
    trunk_cost: Decimal
    voice_cost: Decimal
    total_cost: Decimal
    cost_per_booking: Decimal | None
    staff_hours: Decimal
    staff_cost: Decimal
    bookings_value: Decimal
    net_value: Decimal

    def lines(self) -> list[Line]:
        c, money = self.costs, self._money
        per_booking = money(self.cost_per_booking) if self.cost_per_booking is not None else "no bookings"
        return [
            Line("Calls", self.calls, "count", f"{self.answered} answered"),
            Line("Minutes on calls", self.talk_minutes, "minutes", "from answer to hang-up, all calls"),
            Line(
                "Phone line",
                self.trunk_cost,
                "money",
                f"{self.billed_minutes} billed minutes (in steps of {c.trunk_billing_seconds} s) × "
                f"{money(c.trunk_cost_per_minute, 4)} a minute",
            ),
            Line(
                "Voice host and per-call charges",
                self.voice_cost,
                "money",
                f"{(self.talk_minutes / 60).quantize(CENT)} hours on calls × {money(c.voice_cost_per_hour)} + "
                f"{self.calls} calls × {money(c.voice_cost_per_call, 4)}",
            ),
            Line("Cost", self.total_cost, "money", "phone line + voice host and per-call charges"),
            Line("Bookings", self.bookings, "count", "calls that ended with an appointment booked"),
            Line("Cost per booking", self.cost_per_booking, "money", f"cost ÷ bookings = {per_booking}"),
            Line(
                "Staff hours the agent took over",
                self.staff_hours,
                "hours",
                f"talk and ringing time + {self.calls} calls × {c.staff_seconds_per_attempt} s each",
            ),
            Line(
                "Staff time saved", self.staff_cost, "money", f"{self.staff_hours} hours × {money(c.staff_hourly_cost)}"
            ),
            Line(
                "Estimated value of the bookings",
                self.bookings_value,
                "money",
                f"{self.bookings} bookings × {c.show_rate_percent}% kept × {money(c.kept_appointment_value)}",
            ),
            Line(
                "Estimated value less cost", self.net_value, "money", "value of the bookings + staff time saved − cost"
            ),
        ]

    def _money(self, amount: Decimal, places: int = 2) -> str:
        return f"{amount:,.{places}f} {self.costs.currency}"


def cost_settings_of(*, office: Office) -> CostSettings:
    costs, _ = CostSettings.objects.get_or_create(office=office)
    return costs


def value_report(*, office: Office, period: Period) -> ValueReport:
    costs = cost_settings_of(office=office)
    step = costs.trunk_billing_seconds
    talk = Coalesce(F("billsec"), 0)
    steps = (talk + (step - 1)) / step  # whole billing steps, rounded up (integer division on both databases)
    calls = Call.objects.filter(office=office, created_at__gte=period.start, created_at__lt=period.end)
    totals = calls.alias(final_outcome=FINAL_OUTCOME).aggregate(
        calls=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        bookings=Count("pk", filter=Q(final_outcome=Call.Outcome.BOOKED)),  # as staff corrected it
        talk_seconds=Coalesce(Sum(talk), 0),
        setup_seconds=Coalesce(Sum(Coalesce(F("duration_seconds"), 0) - talk, output_field=IntegerField()), 0),
        billed_steps=Coalesce(Sum(steps, output_field=IntegerField()), 0),
    )
    calls, bookings = totals["calls"], totals["bookings"]
    talk_minutes = _round(Decimal(totals["talk_seconds"]) / 60)
    billed_minutes = _round(Decimal(totals["billed_steps"] * step) / 60)
    trunk_cost = _round(billed_minutes * costs.trunk_cost_per_minute)
    voice_cost = _round(
        Decimal(totals["talk_seconds"]) / 3600 * costs.voice_cost_per_hour + calls * costs.voice_cost_per_call
    )
    total_cost = trunk_cost + voice_cost
    staff_seconds = totals["talk_seconds"] + max(totals["setup_seconds"], 0) + calls * costs.staff_seconds_per_attempt
    staff_hours = _round(Decimal(staff_seconds) / 3600)
    staff_cost = _round(staff_hours * costs.staff_hourly_cost)
    bookings_value = _round(bookings * Decimal(costs.show_rate_percent) / 100 * costs.kept_appointment_value)
    return ValueReport(
        period=period,
        costs=costs,
        calls=calls,
        answered=totals["answered"],
        bookings=bookings,
        talk_minutes=talk_minutes,
        billed_minutes=billed_minutes,
        trunk_cost=trunk_cost,
        voice_cost=voice_cost,
        total_cost=total_cost,
        cost_per_booking=_round(total_cost / bookings) if bookings else None,
        staff_hours=staff_hours,
        staff_cost=staff_cost,
        bookings_value=bookings_value,
        net_value=bookings_value + staff_cost - total_cost,
    )


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
