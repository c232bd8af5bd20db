"""The dialer: a DialRun turns the office's due queue entries into calls, within the office's limit of
simultaneous calls and its pace, after the compliance gate said yes for each, and stops when nothing is
due and none of its calls is still going.

`dial_run_step` is one pass (claim → check → originate); `dial_run_drive` repeats it. The django-q2
task and `manage.py dial` both drive runs through these. Claims are atomic (`select_for_update(
skip_locked=True)` on PostgreSQL; on every database a claim is a conditional UPDATE that only one
worker can win), so two workers never dial the same customer.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid as uuidlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from calls.compliance import RuleBook, call_permission
from calls.live import office_live_publish
from calls.models import Call, DialingPolicy, DialRun, QueueEntry
from calls.telephony import OriginateRequest, SwitchUnavailableError

log = logging.getLogger(__name__)

UNFINISHED = [Call.Status.QUEUED, Call.Status.DIALING, Call.Status.RINGING, Call.Status.ANSWERED]


@dataclass
class StepResult:
    originated: int = 0
    skipped: int = 0
    blocked: int = 0
    finished: bool = False  # nothing left to dial and no call of the run still going: completed
    stopped: bool = False  # paused or cancelled: driving stops here
    only_ends_awaited: bool = False  # nothing left to dial, some calls still going: only their ends are awaited


def dial_run_start(
    *,
    office,
    script=None,
    limit: int | None = None,
    started_by=None,
    kind: str = DialRun.Kind.MANUAL,
    campaign=None,
    variant_script=None,
) -> DialRun:
    return DialRun.objects.create(
        office=office,
        script=script,
        call_limit=limit,
        started_by=started_by,
        kind=kind,
        campaign=campaign,
        variant_script=variant_script,
    )


class CallingUnavailableError(Exception):
    """The worker's task queue could not be reached: nothing was started."""


CALLING_UNAVAILABLE = "Calling is unavailable right now: the task queue could not be reached. Try again shortly."


def dial_run_begin(*, office, script=None, limit: int | None = None, started_by=None, variant_script=None) -> DialRun:
    """ "Call queued": a new run, handed to the worker once this transaction commits. Should the hand-over
    fail (the broker is down), the run is marked failed with the reason: it never stays `running` with
    nobody to drive it. Returns the run as it stands (the caller checks for FAILED)."""
    run = dial_run_start(
        office=office, script=script, limit=limit, started_by=started_by, variant_script=variant_script
    )
    transaction.on_commit(lambda: dial_run_enqueue(run=run, fallback=DialRun.Status.FAILED))
    return run


def dial_run_resume(*, run: DialRun) -> bool:
    resumed = dial_run_set_status(run=run, status=DialRun.Status.RUNNING)
    if resumed:
        transaction.on_commit(lambda: dial_run_enqueue(run=run, fallback=DialRun.Status.PAUSED))
    return resumed


def dial_run_enqueue(*, run: DialRun, fallback: str) -> bool:
    """Hand the run to the worker; when the task queue cannot take it, the run goes to `fallback` (failed, or
    paused again) with the reason, and False is returned."""
    try:
        dial_run_hand_to_worker(run_id=run.pk)
    except Exception:  # noqa: BLE001  (whatever the broker raised — Redis down, refused — nothing was queued)
        log.exception("could not hand run %s to the worker", run.pk)
        finished_at = timezone.now() if fallback == DialRun.Status.FAILED else None
        DialRun.objects.filter(pk=run.pk, status=DialRun.Status.RUNNING).update(
            status=fallback, status_reason=CALLING_UNAVAILABLE, finished_at=finished_at
        )
        return False
    return True


def dial_run_hand_to_worker(*, run_id: int) -> None:
    """Queue the django-q2 task that drives the run (a slice at a time; it queues its own next slice)."""
    from django_q.tasks import async_task

    DialRun.objects.filter(pk=run_id).update(handed_at=timezone.now())  # before: the task may start at once
    async_task("calls.tasks.dial_run_work", run_id, task_name=f"dial-run-{run_id}")


def dial_run_set_status(*, run: DialRun, status: str, reason: str = "") -> bool:
    """Pause, resume or cancel; a finished run stays finished. Calls already placed go on to their end."""
    allowed = {
        DialRun.Status.PAUSED: [DialRun.Status.RUNNING],
        DialRun.Status.RUNNING: [DialRun.Status.PAUSED],
        DialRun.Status.CANCELLED: [DialRun.Status.RUNNING, DialRun.Status.PAUSED],
    }[status]
    finished_at = timezone.now() if status == DialRun.Status.CANCELLED else None
    return bool(
        DialRun.objects.filter(pk=run.pk, status__in=allowed).update(
            status=status, status_reason=reason, finished_at=finished_at
        )
    )


def dial_run_step(
    *, run: DialRun, telephony, now: Callable[[], dt.datetime] = timezone.now, sleep=time.sleep
) -> StepResult:
    """One pass: fill the free call slots from the due queue, paced; then see whether the run is done.
    `now` is the calling rules' clock (pinned in tests, `--now`); records keep the real time."""
    result = StepResult()
    DialRun.objects.filter(pk=run.pk).update(driven_at=timezone.now(), rescues=0)  # alive, for the watchdog
    run.refresh_from_db()
    if run.status != DialRun.Status.RUNNING:
        result.stopped = True
        return result
    if run.campaign_id:
        run.campaign.refresh_from_db()  # paused or edited meanwhile: its hours and pace as they are now
    policy, _ = DialingPolicy.objects.get_or_create(office=run.office)
    tripped = _breaker_reason(run, policy)
    if tripped:
        dial_run_set_status(run=run, status=DialRun.Status.PAUSED, reason=tripped)
        result.stopped = True
        return result
    gap = 1.0 / float(policy.calls_per_second or 1)
    free = policy.max_concurrent_calls - Call.objects.filter(office=run.office, status__in=UNFINISHED).count()
    if run.campaign is not None:  # its own pace and share, inside the office's limit
        gap = max(gap, 1.0 / float(run.campaign.calls_per_second or 1))
        going = Call.objects.filter(dial_run__campaign=run.campaign, status__in=UNFINISHED).count()
        free = min(free, run.campaign.max_concurrent_calls - going)
    if run.call_limit is not None:
        free = min(free, run.call_limit - run.calls.count())
    if free > 0:
        entries = _claim(run, limit=free * 4, now=now())  # room for some to be held back by the rules
        book = RuleBook.load(run.office, phones=[entry.customer.phone for entry in entries])
        attempts = _recent_attempts([entry.customer_id for entry in entries], now())
        voicemails = _voicemails_left([entry.customer_id for entry in entries])
        pending = list(entries)
        try:
            while pending:
                entry = pending.pop(0)
                if result.originated >= free:
                    _release(entry)
                    continue
                customer = entry.customer
                verdict = call_permission(
                    customer=customer,
                    book=book,
                    now=now(),
                    attempts=attempts[customer.pk],
                    voicemail_left_at=voicemails.get(customer.pk),
                )
                if not verdict.allowed:
                    _hold_back(entry, verdict, now())
                    result.blocked += verdict.permanent
                    result.skipped += not verdict.permanent
                    continue
                sleep(gap if result.originated else _pace_left(run, gap))  # the pace holds across steps too
                tripped = _breaker_reason(run, policy)  # and a line that broke meanwhile gets no more calls
                if tripped:
                    pending.insert(0, entry)
                    dial_run_set_status(run=run, status=DialRun.Status.PAUSED, reason=tripped)
                    result.stopped = True
                    break
                if _originate(run, entry, policy, telephony, timezone.now()):
                    result.originated += 1
        finally:
            for entry in pending:  # the switch went away mid-pass: what was claimed goes back
                _release(entry)
    result.finished, result.only_ends_awaited = _finish_if_done(run, now())
    return result


def dial_run_drive(
    *,
    run: DialRun,
    telephony,
    now: Callable[[], dt.datetime] = timezone.now,
    sleep=time.sleep,
    seconds: float | None = None,
    idle: float = 0.5,
) -> DialRun:
    """Step until the run is finished (or `seconds` have passed); returns the run as it stands. Between
    steps that dialed nobody it waits `idle` seconds while people are waiting to be dialed (a call's end
    frees a slot for the next one), and ENDS_AWAITED_FACTOR times that once nobody is left to dial and only
    the run's last calls are still going: its completion may show a little later, and the database is
    spared a poll per run every half second while they last."""
    deadline = time.monotonic() + seconds if seconds is not None else None
    while True:
        try:
            result = dial_run_step(run=run, telephony=telephony, now=now, sleep=sleep)
        except SwitchUnavailableError as problem:
            dial_run_set_status(run=run, status=DialRun.Status.PAUSED, reason=f"Switch unavailable: {problem}")
            break
        if result.finished or result.stopped or (deadline is not None and time.monotonic() > deadline):
            break
        if not result.originated:
            sleep(idle * ENDS_AWAITED_FACTOR if result.only_ends_awaited else idle)
    run.refresh_from_db()
    office_live_publish(office_id=run.office_id)  # the run's new state (completed, paused) on open pages
    return run


ENDS_AWAITED_FACTOR = 4  # a run with nobody left to dial looks this much less often whether its calls ended
BREAKER_WINDOW = 20  # the run's last ended calls the failure rate is taken over
BREAKER_MINIMUM = 10  # ended calls needed before the breaker may trip
BREAKER_PREFIX = "Paused by the safety check:"


def _pace_left(run: DialRun, gap: float) -> float:
    """Seconds to wait before the run's next call so that it keeps its pace after its last one."""
    last = run.calls.exclude(originated_at=None).aggregate(last=Max("originated_at"))["last"]
    if last is None:
        return 0.0
    return max(0.0, gap - (timezone.now() - last).total_seconds())


def _breaker_reason(run: DialRun, policy: DialingPolicy) -> str:
    """Why the run must pause because too many of its recent calls failed ('' when it need not)."""
    recent = list(
        run.calls.filter(status=Call.Status.ENDED)
        .order_by("-ended_at")
        .values_list("outcome", flat=True)[:BREAKER_WINDOW]
    )
    failed = sum(outcome == Call.Outcome.FAILED for outcome in recent)
    if len(recent) < BREAKER_MINIMUM or failed * 100 < policy.failure_rate_pause_percent * len(recent):
        return ""
    return (
        f"{BREAKER_PREFIX} {failed} of the last {len(recent)} calls failed "
        f"(limit {policy.failure_rate_pause_percent} %). Check the phone line or the numbers, then resume."
    )


def _due_entries(run: DialRun, now: dt.datetime):
    """What this run may dial now: a campaign's run its own people while the campaign is open; the scheduler's
    run the callbacks and retries that are due; a run staff started the rest of the office's due queue."""
    due = QueueEntry.objects.filter(office=run.office, status=QueueEntry.Status.WAITING).filter(
        Q(due_at__isnull=True) | Q(due_at__lte=now)
    )
    if run.kind == DialRun.Kind.CAMPAIGN:
        if run.campaign is None or not run.campaign.is_open_at(now):
            return due.none()
        return due.filter(campaign=run.campaign)
    due = due.filter(campaign__isnull=True)
    if run.kind == DialRun.Kind.PROMISES:
        due = due.filter(reason__in=QueueEntry.PROMISED_REASONS)
    return due


def _claim(run: DialRun, *, limit: int, now: dt.datetime) -> list[QueueEntry]:
    with transaction.atomic():
        candidates = _due_entries(run, now).order_by("-priority", "due_at", "created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        claimed = []
        for entry in candidates.select_related("customer")[:limit]:
            won = QueueEntry.objects.filter(pk=entry.pk, status=QueueEntry.Status.WAITING).update(
                status=QueueEntry.Status.CALLING, dial_run=run, updated_at=now
            )
            if won:
                claimed.append(entry)
    return claimed


def _release(entry: QueueEntry) -> None:
    QueueEntry.objects.filter(pk=entry.pk, status=QueueEntry.Status.CALLING).update(status=QueueEntry.Status.WAITING)


def _hold_back(entry: QueueEntry, verdict, now: dt.datetime) -> None:
    """The rules said no: for good (blocked, off the queue) or until `retry_at`; the reason is kept."""
    QueueEntry.objects.filter(pk=entry.pk).update(
        status=QueueEntry.Status.BLOCKED if verdict.permanent else QueueEntry.Status.WAITING,
        skip_reason=verdict.reason[:255],
        skipped_at=now,
        due_at=verdict.retry_at if not verdict.permanent else entry.due_at,
        updated_at=now,
    )


def _originate(run: DialRun, entry: QueueEntry, policy: DialingPolicy, telephony, now: dt.datetime) -> bool:
    customer, office = entry.customer, run.office
    call_uuid = uuidlib.uuid4()
    try:
        with transaction.atomic():
            call = Call.objects.create(
                uuid=call_uuid,
                office=office,
                customer=customer,
                dial_run=run,
                queue_entry=entry,
                script=run.script_for(customer.pk),
                to_number=customer.phone,
                from_number=office.caller_id_number,
                status=Call.Status.DIALING,
                job_uuid=str(call_uuid),
                originated_at=now,
                last_event_at=now,
            )
            QueueEntry.objects.filter(pk=entry.pk).update(skip_reason="", skipped_at=None)
    except IntegrityError:  # the customer is already on a call (another run got there first)
        _release(entry)
        return False
    request = OriginateRequest(
        call_uuid=str(call.uuid),
        number=customer.phone,
        caller_id_number=office.caller_id_number,
        caller_id_name=office.legal_name or office.name,
        ring_seconds=policy.ring_timeout_seconds,
        variables={
            "origination_callee_id_name": customer.full_name,  # who we call, in the switch's records
            "app_call_uuid": str(call.uuid),
            "app_office": office.slug,
            "app_run": str(run.pk),
        },
    )
    try:
        telephony.originate(request)
    except SwitchUnavailableError:
        call.delete()  # nothing was dialed: the customer goes back to the queue
        _release(entry)
        raise
    return True


def _recent_attempts(customer_ids: list[int], now: dt.datetime) -> dict[int, list[dt.datetime]]:
    attempts: dict[int, list[dt.datetime]] = defaultdict(list)
    rows = Call.objects.filter(customer_id__in=customer_ids, created_at__gte=now - dt.timedelta(days=7))
    for customer_id, created_at in rows.values_list("customer_id", "created_at"):
        attempts[customer_id].append(created_at)
    return attempts


def _voicemails_left(customer_ids: list[int]) -> dict[int, dt.datetime]:
    """When each customer last got a voicemail from us (the policy then leaves them alone a while)."""
    rows = Call.objects.filter(customer_id__in=customer_ids, outcome=Call.Outcome.VOICEMAIL_LEFT)
    latest: dict[int, dt.datetime] = {}
    for customer_id, ended_at in rows.values_list("customer_id", "ended_at"):
        if ended_at and (customer_id not in latest or ended_at > latest[customer_id]):
            latest[customer_id] = ended_at
    return latest


def _finish_if_done(run: DialRun, now: dt.datetime) -> tuple[bool, bool]:
    """(the run is now completed, nothing is left to dial but some of its calls are still going)."""
    limit_reached = run.call_limit is not None and run.calls.count() >= run.call_limit
    if _due_entries(run, now).exists() and not limit_reached:
        return False, False
    if run.calls.filter(status__in=UNFINISHED).exists():
        return False, True
    completed = DialRun.objects.filter(pk=run.pk, status=DialRun.Status.RUNNING).update(
        status=DialRun.Status.COMPLETED, finished_at=timezone.now()
    )
    return bool(completed), False
