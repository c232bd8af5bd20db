"""Campaign services: create one, pause / resume / cancel it, bring its people into the queue, end it when its
dates are over or its fixed list is done, and when to try someone again by the campaign's own retry rules.

The scheduler (`calls.scheduled_dialing`) calls these each minute; the pages (`calls.campaign_views`) call the
rest. A campaign's people wait in the office's queue as entries that name it, and only its own runs dial them.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from calls.campaign_models import Campaign
from calls.models import Call, DialRun, QueueEntry
from calls.queue_services import queueable
from customers.criteria import CriteriaForm
from customers.selectors import customers_matching

REFRESH_BATCH = 5000  # people brought into the queue per campaign per scheduler round
UNFINISHED = [Call.Status.QUEUED, Call.Status.DIALING, Call.Status.RINGING, Call.Status.ANSWERED]


def campaign_create(*, office, created_by=None, **fields) -> Campaign:
    """A new campaign; a fixed list is who matches its criteria now."""
    with transaction.atomic():
        campaign = Campaign.objects.create(office=office, created_by=created_by, **fields)
        if campaign.audience == Campaign.Audience.FIXED:
            campaign.customers.set(list(campaign_matching(campaign).values_list("pk", flat=True)))
    return campaign


def campaign_matching(campaign: Campaign):
    """The office's customers the campaign's saved criteria select (today)."""
    criteria = CriteriaForm(QueryDict(campaign.criteria)).criteria()
    return customers_matching(office=campaign.office, criteria=criteria).order_by()


def campaign_audience(campaign: Campaign):
    if campaign.audience == Campaign.Audience.FIXED:
        return campaign.customers.all()
    return campaign_matching(campaign)


def campaign_queue_refresh(*, campaign: Campaign, now: dt.datetime) -> int:
    """Queue the campaign's people who have not been in it yet and may be called (not do-not-call, not waiting
    in the queue already); returns how many joined. Each person enters a campaign once; its retries follow."""
    been = QueueEntry.objects.filter(campaign=campaign).values("customer_id")
    joining = queueable(campaign_audience(campaign), campaign.office).exclude(pk__in=been)
    ids = list(joining.values_list("pk", flat=True).distinct()[:REFRESH_BATCH])
    entries = [
        QueueEntry(
            office_id=campaign.office_id,
            customer_id=customer_id,
            campaign=campaign,
            added_by_id=campaign.created_by_id,
            note=f"Campaign: {campaign.name}"[:255],
            created_at=now,
        )
        for customer_id in ids
    ]
    QueueEntry.objects.bulk_create(entries, ignore_conflicts=True)  # someone queued meanwhile keeps theirs
    return len(entries)


def campaign_set_status(*, campaign: Campaign, status: str, reason: str = "") -> bool:
    """Pause, resume or cancel (a finished or cancelled campaign stays so). Pausing pauses its running run;
    cancelling cancels it and takes its waiting people off the queue. Calls already placed go on to their end."""
    allowed = {
        Campaign.Status.PAUSED: [Campaign.Status.ACTIVE],
        Campaign.Status.ACTIVE: [Campaign.Status.PAUSED],
        Campaign.Status.CANCELLED: list(Campaign.OPEN_STATUSES),
    }[status]
    finished_at = timezone.now() if status == Campaign.Status.CANCELLED else None
    with transaction.atomic():
        changed = Campaign.objects.filter(pk=campaign.pk, status__in=allowed).update(
            status=status, status_reason=reason[:255], finished_at=finished_at
        )
        if not changed:
            return False
        runs = DialRun.objects.filter(campaign=campaign, status__in=[DialRun.Status.RUNNING, DialRun.Status.PAUSED])
        if status == Campaign.Status.PAUSED:
            runs.filter(status=DialRun.Status.RUNNING).update(
                status=DialRun.Status.PAUSED, status_reason="Campaign paused"
            )
        elif status == Campaign.Status.CANCELLED:
            runs.update(status=DialRun.Status.CANCELLED, status_reason="Campaign cancelled", finished_at=timezone.now())
            QueueEntry.objects.filter(campaign=campaign, status=QueueEntry.Status.WAITING).update(
                status=QueueEntry.Status.REMOVED, updated_at=timezone.now()
            )
        else:  # resumed: the scheduler starts a run at its next round inside the campaign's hours
            runs.filter(status=DialRun.Status.PAUSED).update(
                status=DialRun.Status.CANCELLED, status_reason="Campaign resumed: a new run takes over"
            )
    campaign.refresh_from_db()
    return True


def campaign_finish_if_over(*, campaign: Campaign, now: dt.datetime) -> bool:
    """End the campaign when its last day is past, or when its fixed list has been called to the end (everyone
    queued once, nobody waiting, no call going). Returns whether it ended now."""
    today = now.astimezone(campaign.office.zone).date()
    if campaign.ends_on is not None and today > campaign.ends_on:
        reason = f"Its last day, {campaign.ends_on:%a %b %-d}, is over."
    elif campaign.audience == Campaign.Audience.FIXED and _fixed_list_done(campaign):
        reason = "Everyone on its list has been called."
    else:
        return False
    ended = Campaign.objects.filter(pk=campaign.pk, status__in=Campaign.OPEN_STATUSES).update(
        status=Campaign.Status.FINISHED, status_reason=reason, finished_at=timezone.now()
    )
    QueueEntry.objects.filter(campaign=campaign, status=QueueEntry.Status.WAITING).update(
        status=QueueEntry.Status.REMOVED, updated_at=timezone.now()
    )
    campaign.refresh_from_db()
    return bool(ended)


def _fixed_list_done(campaign: Campaign) -> bool:
    entries = QueueEntry.objects.filter(campaign=campaign)
    if entries.filter(status__in=QueueEntry.OPEN_STATUSES).exists():
        return False
    if Call.objects.filter(dial_run__campaign=campaign, status__in=UNFINISHED).exists():
        return False
    never_queued = queueable(campaign.customers.all(), campaign.office).exclude(pk__in=entries.values("customer_id"))
    return not never_queued.exists()


def campaign_retry_at(*, campaign: Campaign, call: Call) -> dt.datetime | None:
    """When to try this person again after `call`, by the campaign's retry rules (None: not again)."""
    if campaign.status in (Campaign.Status.CANCELLED, Campaign.Status.FINISHED):
        return None
    waits = {
        Call.Outcome.NO_ANSWER: campaign.retry_no_answer_minutes,
        Call.Outcome.BUSY: campaign.retry_busy_minutes,
        Call.Outcome.FAILED: campaign.retry_failed_minutes,
        Call.Outcome.VOICEMAIL_LEFT: None
        if campaign.retry_voicemail_days is None
        else campaign.retry_voicemail_days * 1440,
    }
    minutes = waits.get(call.outcome)
    if minutes is None:
        return None
    attempts = Call.objects.filter(customer_id=call.customer_id, dial_run__campaign=campaign).count()
    if attempts >= campaign.max_attempts:
        return None
    return (call.ended_at or timezone.now()) + dt.timedelta(minutes=minutes)


def campaign_of_call(call: Call) -> Campaign | None:
    """The campaign a call was made for (through its run), if any."""
    if not call.dial_run_id:
        return None
    return Campaign.objects.filter(Q(runs__pk=call.dial_run_id)).first()
