"""Push appointments that did not reach their calendar yet, then pull upcoming events from connected
calendars into SyncedEvent (busy times for the slot finder, the week view), from the provider's change feed
where it has one. Used by the django-q2 schedule, the page's "sync now" and `manage.py calendar_sync`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass

from django.utils import timezone

from calendars.booking import appointment_push
from calendars.models import Appointment, CalendarAccount, SyncedEvent
from calendars.providers import CalendarError, provider_for
from calendars.services import calendar_account_problem
from issetter.models import Office

log = logging.getLogger(__name__)

BEHIND = dt.timedelta(days=7)  # the week view shows the past few days too
AHEAD = dt.timedelta(days=60)


@dataclass
class SyncSummary:
    account: str
    changed: int = 0
    removed: int = 0
    pushed: int = 0
    full: bool = False
    problem: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def calendar_sync(*, account: CalendarAccount, now: dt.datetime | None = None) -> SyncSummary:
    now = now or timezone.now()
    summary = SyncSummary(account=str(account))
    if account.provider == CalendarAccount.Provider.LOCAL:
        return summary
    if account.status != CalendarAccount.Status.CONNECTED:
        summary.problem = "needs reconnecting"
        return summary
    # Appointments that did not reach the calendar yet go in first (the same transaction id as their first
    # try, so one whose create did land is found, not made twice), so the changes read next know them as ours.
    waiting = Appointment.objects.filter(
        calendar_account=account, status__in=Appointment.ACTIVE_STATUSES, provider_event_id="", starts_at__gte=now
    )
    summary.pushed = sum(
        appointment_push(appointment=appointment)
        for appointment in waiting.select_related("customer", "office", "calendar_account")
    )
    try:
        batch = provider_for(account).changes(account.sync_cursor, now - BEHIND, now + AHEAD)
    except CalendarError as problem:
        calendar_account_problem(account=account, problem=problem)
        summary.problem = str(problem)
        return summary
    ours = set(
        Appointment.objects.filter(calendar_account=account)
        .exclude(provider_event_id="")
        .values_list("provider_event_id", flat=True)
    )
    for event in batch.changed:
        if event.id in ours:
            continue  # our own appointment: already busy through the Appointment
        SyncedEvent.objects.update_or_create(
            account=account,
            provider_event_id=event.id,
            defaults={
                "subject": event.subject[:255],
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "is_all_day": event.is_all_day,
                "shows_as_busy": event.busy,
                "is_cancelled": event.cancelled,
                "provider_updated_at": event.updated_at,
            },
        )
        summary.changed += 1
    removed = SyncedEvent.objects.filter(account=account, provider_event_id__in=batch.removed)
    if batch.full:  # everything was read again: what we hold and it no longer has is gone
        removed = SyncedEvent.objects.filter(account=account).exclude(
            provider_event_id__in=[e.id for e in batch.changed]
        )
    summary.removed, _ = removed.delete()
    summary.full = batch.full
    CalendarAccount.objects.filter(pk=account.pk).update(sync_cursor=batch.cursor, last_synced_at=now, status_detail="")
    return summary


def calendar_sync_all(*, office: Office | None = None, now: dt.datetime | None = None) -> list[SyncSummary]:
    accounts = CalendarAccount.objects.exclude(provider=CalendarAccount.Provider.LOCAL).select_related("office", "user")
    if office is not None:
        accounts = accounts.filter(office=office)
    return [calendar_sync(account=account, now=now) for account in accounts]
