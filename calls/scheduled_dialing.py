"""Dialing nobody has to press a button for, once a minute (a django-q2 schedule, `calls/0009`):

- each active campaign inside its days and hours gets its people queued and a run that dials them;
- each office that asks for reminder calls gets one queued for each appointment starting within its hours;
- each office with callbacks, retries or reminders due gets a run that dials just those (unless a run staff started is
  already dialing the office's queue, which includes them);
- a callback not made within PROMISE_GRACE of the time promised raises an alert (the reason: the calling
  rules moved it, the switch was down, the run paused, nobody ran the worker), shown on the dashboard and the
  profile; it resolves itself once the call is made.

`scheduled_dialing_tick(now=…)` does one round and returns the runs it started; the task hands them to the
worker, tests drive them with a pinned clock. Two rounds at once never dial anyone twice: entries are claimed
atomically by the dialer, and a customer has at most one unfinished call.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from calendars.models import Appointment
from calls.alert_models import Alert
from calls.alert_sweep import alerts_sweep
from calls.campaign_models import Campaign
from calls.campaigns import campaign_finish_if_over, campaign_queue_refresh, campaign_set_status
from calls.dialer import BREAKER_PREFIX, dial_run_start
from calls.models import DialingPolicy, DialRun, QueueEntry
from calls.queue_services import queue_entry_add_if_free
from issetter.models import Office

log = logging.getLogger(__name__)

PROMISE_GRACE = dt.timedelta(minutes=10)
JUST_BOOKED = dt.timedelta(hours=12)  # an appointment booked this recently gets no reminder call


def scheduled_dialing_tick(*, now: dt.datetime) -> list[DialRun]:
    promises_missed_alert(now=now)  # first: the runs that stopped still say why
    promises_kept_resolve(now=now)
    alerts_sweep(now=now)
    reminders_queue(now=now)
    started = [run for campaign in _active_campaigns() if (run := _campaign_round(campaign, now))]
    started += [run for office in _offices_with_promises_due(now) if (run := _promises_run_start(office))]
    return started


def _active_campaigns():
    return Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("office", "script")


def _campaign_round(campaign: Campaign, now: dt.datetime) -> DialRun | None:
    if campaign_finish_if_over(campaign=campaign, now=now) or not campaign.is_open_at(now):
        return None
    campaign_queue_refresh(campaign=campaign, now=now)
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=campaign.office_id).first()  # one round starts it
        if DialRun.objects.filter(campaign=campaign, status=DialRun.Status.RUNNING).exists():
            return None
        paused = DialRun.objects.filter(campaign=campaign, status=DialRun.Status.PAUSED)
        if not _runs_superseded(paused):  # its calls keep failing: the campaign waits for staff
            reason = paused.filter(status_reason__startswith=BREAKER_PREFIX).values_list("status_reason", flat=True)
            campaign_set_status(campaign=campaign, status=Campaign.Status.PAUSED, reason=reason.first())
            return None
        due = QueueEntry.objects.filter(campaign=campaign, status=QueueEntry.Status.WAITING).filter(
            Q(due_at__isnull=True) | Q(due_at__lte=now)
        )
        if not due.exists():
            return None
        return dial_run_start(
            office=campaign.office,
            script=campaign.script,
            started_by=campaign.created_by,
            kind=DialRun.Kind.CAMPAIGN,
            campaign=campaign,
        )


def _offices_with_promises_due(now: dt.datetime):
    due = _promises_due(now)
    return Office.objects.filter(pk__in=due.values("office_id"))


def _promises_due(now: dt.datetime):
    return QueueEntry.objects.filter(
        status=QueueEntry.Status.WAITING, reason__in=QueueEntry.PROMISED_REASONS, campaign__isnull=True, due_at__lte=now
    )


def _promises_run_start(office: Office) -> DialRun | None:
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        dialing = DialRun.objects.filter(
            office=office, status=DialRun.Status.RUNNING, kind__in=[DialRun.Kind.MANUAL, DialRun.Kind.PROMISES]
        )
        if dialing.exists():
            return None
        stalled = DialRun.objects.filter(office=office, kind=DialRun.Kind.PROMISES, status=DialRun.Status.PAUSED)
        if not _runs_superseded(stalled):
            return None
        return dial_run_start(office=office, kind=DialRun.Kind.PROMISES)


def _runs_superseded(paused) -> bool:
    """A scheduled run paused because the switch was away is replaced by a fresh one (which tries the line
    again); one the safety check paused (too many calls failed) waits for staff — False."""
    if paused.filter(status_reason__startswith=BREAKER_PREFIX).exists():
        return False
    for run in paused:
        replaced = f"Replaced by the next scheduled round; it had stopped: {run.status_reason}"
        DialRun.objects.filter(pk=run.pk, status=DialRun.Status.PAUSED).update(
            status=DialRun.Status.CANCELLED, status_reason=replaced[:255], finished_at=timezone.now()
        )
    return True


def promises_missed_alert(*, now: dt.datetime) -> int:
    """An alert for each callback still waiting PROMISE_GRACE after the time promised; returns how many new."""
    late = QueueEntry.objects.filter(
        status=QueueEntry.Status.WAITING,
        reason=QueueEntry.Reason.CALLBACK,
        promised_for__lt=now - PROMISE_GRACE,
    ).exclude(alerts__kind=Alert.Kind.PROMISE_MISSED)
    raised = 0
    stalled_runs: dict[int, DialRun | None] = {}  # each office's latest stopped run, looked up once a round
    for entry in late.select_related("customer", "office"):
        if entry.office_id not in stalled_runs:
            stalled_runs[entry.office_id] = _latest_stopped_run(entry.office_id)
        try:
            with transaction.atomic():
                Alert.objects.create(
                    office=entry.office,
                    customer=entry.customer,
                    queue_entry=entry,
                    kind=Alert.Kind.PROMISE_MISSED,
                    message=_missed_message(entry, stalled_runs[entry.office_id])[:500],
                )
            raised += 1
        except IntegrityError:
            pass  # another round raised it
    if raised:
        log.warning("scheduled dialing: %d promised callbacks were not made on time", raised)
    return raised


def _latest_stopped_run(office_id: int) -> DialRun | None:
    return (
        DialRun.objects.filter(office_id=office_id, status__in=[DialRun.Status.PAUSED, DialRun.Status.FAILED])
        .exclude(status_reason="")
        .order_by("-created_at")
        .first()
    )


def _missed_message(entry: QueueEntry, stalled: DialRun | None) -> str:
    zone = entry.office.zone
    promised = entry.promised_for.astimezone(zone)
    who = entry.customer.full_name or entry.customer.phone
    head = f"The callback promised to {who} for {promised:%a %b %-d, %-I:%M %p} has not been made"
    if entry.skip_reason:
        moved = f" (now due {entry.due_at.astimezone(zone):%a %-I:%M %p})" if entry.due_at else ""
        return f"{head}: the calling rules held it back{moved}: {entry.skip_reason}"
    if stalled is not None and stalled.created_at >= entry.promised_for - PROMISE_GRACE:
        return f"{head}: the run that should have made it stopped: {stalled.status_reason}"
    return f"{head}: nothing dialed it — check that the worker and the phone line are running."


def promises_kept_resolve(*, now: dt.datetime | None = None) -> int:
    """Alerts about callbacks that have since been made (or taken off the queue) resolve themselves."""
    return (
        Alert.objects.filter(kind=Alert.Kind.PROMISE_MISSED, resolved_at__isnull=True, queue_entry__isnull=False)
        .exclude(queue_entry__status=QueueEntry.Status.WAITING)
        .update(resolved_at=now or timezone.now(), resolution="The callback was made late (or taken off the queue).")
    )


def reminders_queue(*, now: dt.datetime) -> int:
    """Offices that ask for reminder calls (`DialingPolicy.reminder_hours_before`): each booked appointment
    starting within that many hours gets one reminder call, queued now (the calling rules still decide when it
    is made), unless it was booked in the last twelve hours. A customer already waiting in the queue is tried
    again next round. Returns how many were queued."""
    queued = 0
    for policy in DialingPolicy.objects.filter(reminder_hours_before__isnull=False).select_related("office"):
        due = Appointment.objects.filter(
            office=policy.office,
            status=Appointment.Status.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(hours=policy.reminder_hours_before),
            reminders__isnull=True,
            customer__do_not_call=False,
            created_at__lt=now - JUST_BOOKED,  # booked moments ago: they need no reminder yet
        ).select_related("customer")
        for appointment in due:
            when = appointment.starts_at.astimezone(policy.office.zone)
            queued += bool(
                queue_entry_add_if_free(  # one waiting in the queue already is reminded in a later round
                    office=policy.office,
                    customer=appointment.customer,
                    reason=QueueEntry.Reason.REMINDER,
                    appointment=appointment,
                    due_at=now,
                    priority=5,
                    note=f"Reminder of the appointment on {when:%a %b %-d, %-I:%M %p}",
                )
            )
    return queued
