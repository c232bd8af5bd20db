"""The dial-run watchdog: a run that says `running` but that no worker has driven for a while (its task died
with the worker, or the hand-over to its next slice failed) is queued again, and after a few tries, or when
the task queue cannot be reached, marked failed with the reason — so no run stays `running` forever.

A step of the telephony listener's loop (`calls.telephony.listener`), which needs neither Redis nor the
worker; tests call `dial_runs_rescue` on its own.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import F, Q
from django.utils import timezone

from calls.models import DialRun

log = logging.getLogger(__name__)

# A driver steps its run every second or so and queues its next slice each minute: this long without either
# means nobody is driving it (a task waiting this long in the queue is counted as lost).
UNATTENDED = dt.timedelta(minutes=5)
MAX_RESCUES = 2  # times the watchdog queues a run again before it gives up on it
DRIVEN_RECENTLY = dt.timedelta(seconds=10)


def dial_runs_unattended(*, now: dt.datetime):
    cutoff = now - UNATTENDED
    return DialRun.objects.filter(status=DialRun.Status.RUNNING, created_at__lt=cutoff).filter(
        Q(driven_at__isnull=True) | Q(driven_at__lt=cutoff), Q(handed_at__isnull=True) | Q(handed_at__lt=cutoff)
    )


def dial_runs_rescue(*, now: dt.datetime | None = None) -> int:
    """Queue every unattended run again, or fail it with the reason; returns how many it dealt with."""
    from calls.dialer import dial_run_enqueue

    now = now or timezone.now()
    dealt = 0
    for run in dial_runs_unattended(now=now):
        if run.rescues >= MAX_RESCUES:
            reason = (
                f"Stopped: no worker drove this run for {int(UNATTENDED.total_seconds() // 60)} minutes, "
                f"though it was queued again {run.rescues} times. Check the worker, then press Call queued again."
            )
            DialRun.objects.filter(pk=run.pk, status=DialRun.Status.RUNNING).update(
                status=DialRun.Status.FAILED, status_reason=reason, finished_at=timezone.now()
            )
            log.warning("dial run %s: %s", run.pk, reason)
        else:
            DialRun.objects.filter(pk=run.pk).update(rescues=F("rescues") + 1)
            if dial_run_enqueue(run=run, fallback=DialRun.Status.FAILED):
                log.warning("dial run %s: nobody was driving it; queued it for the worker again", run.pk)
        dealt += 1
    return dealt


def dial_run_driven_elsewhere(*, run: DialRun, now: dt.datetime | None = None) -> bool:
    """A task about to drive `run` finds another driver stepped it after the last hand-over, moments ago: the
    task is a duplicate (the watchdog queued the run again while its task was only late) and leaves."""
    now = now or timezone.now()
    return bool(
        run.driven_at
        and now - run.driven_at < DRIVEN_RECENTLY
        and (run.handed_at is None or run.driven_at > run.handed_at)
    )
