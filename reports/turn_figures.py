"""What the transcripts say about the agent over a set of calls: how long callees waited for its answer (from
the end of their words to the start of its reply, as the turns record them) and how often it did not
understand (callee turns understood as "unclear")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from calls.models import Call, Turn


@dataclass(frozen=True)
class TurnFigures:
    callee_turns: int
    not_understood: int
    replies: int
    latency_p50_ms: int | None
    latency_p95_ms: int | None
    latency_max_ms: int | None

    @property
    def not_understood_rate(self) -> float | None:
        return round(100 * self.not_understood / self.callee_turns, 1) if self.callee_turns else None


def _quantile(ordered: list[int], share: float) -> int | None:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else None


def turn_figures(calls: QuerySet[Call]) -> TurnFigures:
    turns = (
        Turn.objects.filter(call__in=calls.values("pk"))
        .order_by("call_id", "index")
        .values_list("call_id", "speaker", "started_ms", "ended_ms", "understood")
    )
    waits: list[int] = []
    callee_turns = not_understood = 0
    previous = None
    for call_id, speaker, started_ms, ended_ms, understood in turns.iterator(chunk_size=2000):
        if speaker == Turn.Speaker.CALLEE:
            callee_turns += 1
            not_understood += understood.startswith("unclear")
        elif previous and previous[0] == call_id and previous[1] == Turn.Speaker.CALLEE:
            if started_ms is not None and previous[2] is not None and started_ms >= previous[2]:
                waits.append(started_ms - previous[2])
        previous = (call_id, speaker, ended_ms)
    waits.sort()
    return TurnFigures(
        callee_turns=callee_turns,
        not_understood=not_understood,
        replies=len(waits),
        latency_p50_ms=_quantile(waits, 0.5),
        latency_p95_ms=_quantile(waits, 0.95),
        latency_max_ms=waits[-1] if waits else None,
    )
