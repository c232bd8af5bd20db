"""What the campaign pages show: each campaign's figures and when it dials next."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from calls.campaign_models import Campaign
from calls.campaigns import campaign_audience
from calls.models import Call, QueueEntry
from calls.queue_services import queueable

OUTCOMES = {
    "booked": Call.Outcome.BOOKED,
    "callbacks": Call.Outcome.CALLBACK,
    "declined": Call.Outcome.DECLINED,
    "do_not_call": Call.Outcome.DO_NOT_CALL,
    "voicemail": Call.Outcome.VOICEMAIL_LEFT,
    "no_answer": Call.Outcome.NO_ANSWER,
    "busy": Call.Outcome.BUSY,
    "failed": Call.Outcome.FAILED,
    "wrong_person": Call.Outcome.WRONG_PERSON,
}


def campaign_list(*, office):
    return Campaign.objects.filter(office=office).select_related("script")


def campaign_figures(*, campaign: Campaign) -> dict:
    """People reached so far and what their calls came to; `progress` is the share of its people done."""
    entries = QueueEntry.objects.filter(campaign=campaign)
    joining = 0  # who its criteria select and may be called, not queued yet (they join in its next hours)
    if campaign.status in Campaign.OPEN_STATUSES:
        joining = queueable(campaign_audience(campaign), campaign.office).exclude(pk__in=entries.values("customer_id"))
        joining = joining.values("pk").distinct().count()
    people = entries.values("customer_id").distinct().count() + joining
    open_people = entries.filter(status__in=QueueEntry.OPEN_STATUSES).values("customer_id").distinct().count()
    open_people += joining
    held_back = entries.filter(status=QueueEntry.Status.WAITING).exclude(skip_reason="").count()
    calls = Call.objects.filter(dial_run__campaign=campaign)
    counted = calls.aggregate(
        placed=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        going=Count("pk", filter=~Q(status=Call.Status.ENDED)),
        **{name: Count("pk", filter=Q(outcome=outcome)) for name, outcome in OUTCOMES.items()},
    )
    done = people - open_people
    return {
        "people": people,
        "called_people": calls.values("customer_id").distinct().count(),
        "waiting": open_people,
        "held_back": held_back,
        "done": done,
        "progress": round(100 * done / people) if people else 0,
        **counted,
    }


def campaign_next_opening(*, campaign: Campaign, now: dt.datetime) -> dt.datetime | None:
    """When the campaign's own days and hours next let it dial (now, if they do); None once it cannot."""
    if campaign.status not in Campaign.OPEN_STATUSES:
        return None
    zone = campaign.office.zone
    local = now.astimezone(zone)
    first = max(local.date(), campaign.starts_on)
    for offset in range(8):  # a week and a day: every weekday comes round
        day = first + dt.timedelta(days=offset)
        if str(day.weekday()) not in campaign.weekdays:
            continue
        if campaign.ends_on is not None and day > campaign.ends_on:
            return None
        opens = dt.datetime.combine(day, campaign.start_time, tzinfo=zone)
        closes = dt.datetime.combine(day, campaign.end_time, tzinfo=zone)
        if local < closes:
            return max(opens, local)
    return None


def campaign_calls(campaign: Campaign):
    return Call.objects.filter(dial_run__campaign=campaign).select_related("customer").order_by("-created_at")
