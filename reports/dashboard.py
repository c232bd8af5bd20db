"""The dashboard's trend: bookings and the booking rate of the last seven days beside the seven before."""

from __future__ import annotations

import datetime as dt

from calls.models import Call
from issetter.dashboard import Day, Figure, figure_provider
from issetter.models import Office
from reports.call_figures import figures_total

WEEK = dt.timedelta(days=7)


def _change(now: float | None, before: float | None, unit: str = "") -> str:
    if now is None or before is None:
        return "nothing to compare with yet"
    if now == before:
        return "the same as the 7 days before"
    arrow = "↑" if now > before else "↓"
    return f"{arrow} {abs(now - before):g}{unit} on the 7 days before"


@figure_provider
def week_trend(office: Office, day: Day) -> list[Figure]:
    calls = Call.objects.filter(office=office)
    this_week = figures_total(calls.filter(created_at__gte=day.end - WEEK, created_at__lt=day.end))
    last_week = figures_total(calls.filter(created_at__gte=day.end - 2 * WEEK, created_at__lt=day.end - WEEK))
    rate = this_week.booking_rate
    return [
        Figure(
            "Booked, last 7 days", this_week.booked, order=1, url_name="reports:index", lead=True,
            note=_change(this_week.booked, last_week.booked),
        ),
        Figure(
            "Booking rate of answered, last 7 days", "—" if rate is None else f"{rate:g}%", order=2, lead=True,
            note=_change(rate, last_week.booking_rate, " points"),
        ),
    ]  # fmt: skip
