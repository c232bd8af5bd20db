"""django-q2 tasks of the calls app: take ids, call one service."""

from __future__ import annotations

import logging

from django.utils import timezone

from calls.dialer import dial_run_drive, dial_run_enqueue, dial_run_hand_to_worker
from calls.models import DialRun
from calls.run_watch import dial_run_driven_elsewhere
from calls.scheduled_dialing import scheduled_dialing_tick
from calls.telephony import SwitchUnavailableError, telephony_open

log = logging.getLogger(__name__)

SLICE_SECONDS = 60  # one task drives a run this long, then hands over to the next (tasks have a timeout)


def dial_run_work(run_id: int) -> None:
    run = DialRun.objects.select_related("office", "script").get(pk=run_id)
    if run.status != DialRun.Status.RUNNING or dial_run_driven_elsewhere(run=run):
        return
    try:
        with telephony_open() as telephony:
            run = dial_run_drive(run=run, telephony=telephony, seconds=SLICE_SECONDS)
    except SwitchUnavailableError as problem:
        DialRun.objects.filter(pk=run_id, status=DialRun.Status.RUNNING).update(
            status=DialRun.Status.PAUSED, status_reason=f"Switch unavailable: {problem}"[:255]
        )
        return
    if run.status == DialRun.Status.RUNNING:
        dial_run_hand_to_worker(run_id=run_id)


def scheduled_dialing_work() -> int:
    """Each minute (the "scheduled dialing" schedule): start the campaigns' and the promises' runs that are due
    and hand each to the worker; returns how many started."""
    runs = scheduled_dialing_tick(now=timezone.now())
    for run in runs:
        dial_run_enqueue(run=run, fallback=DialRun.Status.FAILED)
    return len(runs)
