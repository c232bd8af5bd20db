"""Script tests: runs that split their people between two scripts, compared by booking rate of the calls a
person answered, with a 95% confidence interval for the difference (Newcombe's method from Wilson intervals,
sound for the small counts a run has), and which script wins — if either does yet."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q

from calls.models import Call, DialRun
from issetter.models import Office
from reports.call_figures import FINAL_OUTCOME

Z95 = 1.959964


@dataclass(frozen=True)
class Arm:
    script_id: int | None
    name: str
    answered: int
    booked: int

    @property
    def rate(self) -> float:
        return self.booked / self.answered if self.answered else 0.0

    @property
    def rate_points(self) -> int:
        return round(100 * self.rate)


@dataclass(frozen=True)
class ScriptTest:
    run: DialRun
    a: Arm
    b: Arm
    low: float  # difference b − a, in points
    high: float

    @property
    def winner(self) -> Arm | None:
        if self.low > 0:
            return self.b
        if self.high < 0:
            return self.a
        return None

    @property
    def verdict(self) -> str:
        difference = 100 * (self.b.rate - self.a.rate)
        interval = f"95% interval {self.low:+.0f} to {self.high:+.0f} points"
        if self.winner is None:
            return f"No clear winner yet: {self.b.name} {difference:+.0f} points ({interval}); keep calling."
        loser = self.a if self.winner is self.b else self.b
        return f"{self.winner.name} books more than {loser.name}: {abs(difference):.0f} points ({interval})."


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    if not trials:
        return 0.0, 1.0
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return centre - half, centre + half


def difference_interval(a: Arm, b: Arm) -> tuple[float, float]:
    """95% interval of b's rate − a's, in points (Newcombe 1998, method 10)."""
    a_low, a_high = wilson(a.booked, a.answered)
    b_low, b_high = wilson(b.booked, b.answered)
    difference = b.rate - a.rate
    low = difference - math.sqrt((b.rate - b_low) ** 2 + (a_high - a.rate) ** 2)
    high = difference + math.sqrt((b_high - b.rate) ** 2 + (a.rate - a_low) ** 2)
    return 100 * low, 100 * high


def _arm(script, counts: dict) -> Arm:
    row = counts.get(script.pk if script else None, {})
    name = script.name if script else "The default script"
    return Arm(script.pk if script else None, name, row.get("answered", 0), row.get("booked", 0))


def script_tests(*, office: Office, start: dt.datetime, end: dt.datetime) -> list[ScriptTest]:
    runs = DialRun.objects.filter(
        office=office, variant_script__isnull=False, created_at__gte=start, created_at__lt=end
    )
    found = []
    for run in runs.select_related("script", "variant_script").order_by("-created_at"):
        counts = {
            row["script_id"]: row
            for row in Call.objects.filter(dial_run=run)
            .alias(final_outcome=FINAL_OUTCOME)
            .values("script_id")
            .annotate(
                answered=Count("pk", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
                booked=Count("pk", filter=Q(final_outcome=Call.Outcome.BOOKED)),
            )
        }

        a, b = _arm(run.script, counts), _arm(run.variant_script, counts)
        low, high = difference_interval(a, b)
        found.append(ScriptTest(run=run, a=a, b=b, low=low, high=high))
    return found
