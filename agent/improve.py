"""What the Improve page gathers: what went wrong lately — callee turns the agent did not understand (grouped by
what was said), outcomes staff corrected, calls rated "needs work", calls that ended on "I'm having trouble
understanding" — and the "not understood" rate week by week."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from agent.dialogue.phrases import normalised
from agent.models import Feedback, Teaching
from calls.models import Call, Turn
from issetter.models import Office

WEEKS = 8
GROUPS_SHOWN = 30
GAVE_UP = "having trouble understanding"


@dataclass(frozen=True)
class SaidGroup:
    words: str  # as said, normalised
    times: int
    example_call_id: str


def not_understood_groups(*, office: Office, since: dt.datetime) -> list[SaidGroup]:
    turns = Turn.objects.filter(
        call__office=office, call__created_at__gte=since, speaker=Turn.Speaker.CALLEE, understood__startswith="unclear"
    ).order_by("-call__created_at")[:5000]
    counted: Counter[str] = Counter()
    example: dict[str, str] = {}
    for text, call_id in turns.values_list("text", "call_id"):
        words = normalised(text)
        if not words or words.startswith("("):  # "(silence)", "(a recorded greeting)": nothing to teach
            continue
        counted[words] += 1
        example.setdefault(words, str(call_id))
    return [SaidGroup(words, times, example[words]) for words, times in counted.most_common(GROUPS_SHOWN)]


def weekly_not_understood(*, office: Office, now: dt.datetime) -> list[dict]:
    since = now - dt.timedelta(weeks=WEEKS)
    rows = (
        Turn.objects.filter(call__office=office, call__created_at__gte=since, speaker=Turn.Speaker.CALLEE)
        .annotate(week=TruncWeek("call__created_at", tzinfo=office.zone))
        .values("week")
        .annotate(turns=Count("pk"), unclear=Count("pk", filter=Q(understood__startswith="unclear")))
        .order_by("week")
    )
    return [{**row, "rate": round(100 * row["unclear"] / row["turns"], 1) if row["turns"] else None} for row in rows]


def improve_overview(*, office: Office, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    since = now - dt.timedelta(weeks=WEEKS)
    calls = Call.objects.filter(office=office, created_at__gte=since)
    gave_up = calls.filter(turns__speaker=Turn.Speaker.AGENT, turns__text__icontains=GAVE_UP).distinct()
    return {
        "groups": not_understood_groups(office=office, since=since),
        "corrected": calls.exclude(reviewed_outcome="").select_related("customer", "reviewed_by")[:30],
        "needs_work": Feedback.objects.filter(
            office=office, rating=Feedback.Rating.BAD, created_at__gte=since
        ).select_related("call__customer", "turn", "author")[:30],
        "gave_up": gave_up.select_related("customer")[:30],
        "weeks": weekly_not_understood(office=office, now=now),
        "teachings": Teaching.objects.filter(office=office).select_related("script", "author")[:50],
    }
