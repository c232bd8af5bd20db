"""Who the calling rules held back in a period, and why, in a few kinds a person reads at a glance (the
entries keep the rules' full reason)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from calls.models import QueueEntry
from issetter.models import Office

KINDS = (  # the first kind whose words appear in the reason (calls/compliance.py writes them)
    ("do-not-call", "On the do-not-call list"),
    ("consent", "No consent recorded"),
    ("office holiday", "Office holiday"),
    ("voicemail was left", "Voicemail left recently"),
    ("already tried", "Too many attempts"),
    ("calls in 24 hours", "Too many attempts"),
    ("ago; the office waits", "Too soon after the last call"),
    ("outside calling hours", "Outside calling hours"),
    ("no calls on", "No calls that day"),
)


def held_back_kind(reason: str) -> str:
    lowered = reason.lower()
    return next((kind for words, kind in KINDS if words in lowered), "Other rule")


def held_back_by_kind(*, office: Office | None, start: dt.datetime, end: dt.datetime) -> list[tuple[str, int]]:
    entries = QueueEntry.objects.filter(skipped_at__gte=start, skipped_at__lt=end).exclude(skip_reason="")
    if office is not None:
        entries = entries.filter(office=office)
    counted = Counter(held_back_kind(reason) for reason in entries.values_list("skip_reason", flat=True).iterator())
    return counted.most_common()
