"""Call records as CSV (`/calls/export.csv`, the list's filters applied): each call with its outcome and cause in
words, times in the office's zone, and its transcript."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet

from calls.models import Call, Turn
from issetter.models import Office

HEADER = [
    "when", "direction", "customer", "number", "status", "outcome", "answered by", "talk seconds",
    "length seconds", "hangup cause", "script", "run", "flagged", "flag reason", "summary", "transcript",
]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


def call_rows(calls: QuerySet[Call], *, office: Office) -> Iterator[list]:
    zone = office.zone
    turns = Prefetch("turns", queryset=Turn.objects.order_by("index"))
    chosen = calls.select_related("customer", "script", "dial_run").prefetch_related(turns).order_by("-created_at")
    for call in chosen.iterator(chunk_size=500):  # the turns are fetched a chunk at a time too
        transcript = "\n".join(f"{t.get_speaker_display()}: {t.text}" for t in call.turns.all())
        yield [
            call.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
            call.get_direction_display(),
            str(call.customer) if call.customer else "",
            call.to_number if call.direction == Call.Direction.OUTBOUND else call.from_number,
            call.get_status_display(),
            call.get_outcome_display(),
            call.get_answered_by_display(),
            call.billsec if call.billsec is not None else "",
            call.duration_seconds if call.duration_seconds is not None else "",
            call.hangup_cause_words,
            call.script.name if call.script else "",
            f"Run {call.dial_run_id}" if call.dial_run_id else "",
            "yes" if call.flagged else "",
            call.flag_reason,
            call.summary,
            transcript,
        ]


def call_csv_lines(calls: QuerySet[Call], *, office: Office) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for row in call_rows(calls, office=office):
        yield writer.writerow(row)
