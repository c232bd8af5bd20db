"""What the Queue page shows live: the office's calls in progress and just ended, and the figures of its
latest run, pushed over the office's websocket group as one out-of-band HTMX fragment per change."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string
from django.utils import timezone

from calls.models import Call
from calls.selectors import dial_run_latest, live_calls, queue_counts, run_figures
from issetter.consumers import office_publish

log = logging.getLogger(__name__)


def live_context(*, office_id: int) -> dict:
    run = dial_run_latest(office_id=office_id)
    now = timezone.now()
    return {
        "counts": queue_counts(office_id=office_id, now=now),
        "live_calls": live_calls(office_id=office_id, now=now),
        "run": run,
        "figures": run_figures(run=run) if run else None,
    }


def call_publish(*, call: Call, event_at: str = "") -> None:
    """Tell the office's open pages that `call` changed."""
    office_live_publish(office_id=call.office_id, event_at=event_at)


def office_live_publish(*, office_id: int, event_at: str = "") -> None:
    """Send the office's live block as it stands now (never lets a publishing failure stop calls).
    `event_at` (the oldest switch event it reflects, µs) rides along so the delay to the browser can be
    measured."""
    try:
        context = {**live_context(office_id=office_id), "oob": True, "event_at": event_at}
        office_publish(office_id, render_to_string("calls/_live.html", context))
    except Exception:  # noqa: BLE001  (the channel layer being down must not break event handling)
        log.exception("could not publish the live block of office %s", office_id)
