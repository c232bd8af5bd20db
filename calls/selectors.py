"""Reads of the queue and calls, always inside one office."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, QuerySet

from calls.models import Call, CallingRule, DialingPolicy, DialRun, OfficeHoliday, QueueEntry
from customers.services import CallHistory
from issetter.models import Office


def queue_open_entries(*, office: Office) -> QuerySet[QueueEntry]:
    return (
        QueueEntry.objects.filter(office=office, status__in=QueueEntry.OPEN_STATUSES)
        .select_related("customer")
        .order_by("-priority", "created_at", "id")
    )


def call_list(*, office: Office) -> QuerySet[Call]:
    return Call.objects.filter(office=office).select_related("customer").order_by("-created_at")


def call_recording_path(*, call: Call) -> Path | None:
    """The absolute path of the call's recording when there is one on disk (never outside RECORDINGS_DIR)."""
    if not call.recording:
        return None
    root = Path(settings.RECORDINGS_DIR).resolve()
    path = (root / call.recording).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def call_figures_between(*, office: Office, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Figures of the calls placed in [start, end) (see `call_figures`)."""
    return call_figures(Call.objects.filter(office=office, created_at__gte=start, created_at__lt=end))


def queue_counts(*, office_id: int, now: dt.datetime) -> dict[str, int]:
    """Waiting now, waiting for later (retries, callbacks), being called, and held by do-not-call."""
    entries = QueueEntry.objects.filter(office_id=office_id, status__in=QueueEntry.OPEN_STATUSES)
    return entries.aggregate(
        due=Count("id", filter=Q(status=QueueEntry.Status.WAITING) & (Q(due_at__isnull=True) | Q(due_at__lte=now))),
        later=Count("id", filter=Q(status=QueueEntry.Status.WAITING, due_at__gt=now)),
        calling=Count("id", filter=Q(status=QueueEntry.Status.CALLING)),
        do_not_call=Count("id", filter=Q(customer__do_not_call=True)),
        total=Count("id"),
    )


def call_history_of(*, customer_id: int) -> CallHistory:
    """Every finished call of the customer, summarised for the profile."""
    ended = Call.objects.filter(customer_id=customer_id, status=Call.Status.ENDED)
    figures = ended.aggregate(
        attempts=Count("uuid"),
        answered=Count("uuid", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
        last_contacted_at=Max("created_at"),
        last_answered_at=Max("answered_at", filter=Q(answered_by=Call.AnsweredBy.HUMAN)),
    )
    latest = ended.order_by("-created_at").values_list("outcome", flat=True).first()
    return CallHistory(last_outcome=latest or "", **figures)


def dial_run_latest(*, office_id: int) -> DialRun | None:
    return DialRun.objects.filter(office_id=office_id).order_by("-created_at", "-id").first()


def live_calls(*, office_id: int, now: dt.datetime, recent: int = 15) -> list[Call]:
    """Calls in progress, then the latest ended ones (for the live table)."""
    calls = Call.objects.filter(office_id=office_id).select_related("customer")
    going = list(calls.exclude(status=Call.Status.ENDED).order_by("created_at")[:50])
    ended = list(calls.filter(status=Call.Status.ENDED, ended_at__gte=now - dt.timedelta(hours=12))[:recent])
    return going + ended


def run_figures(*, run: DialRun) -> dict:
    return call_figures(Call.objects.filter(dial_run=run))


def call_figures(calls: QuerySet[Call]) -> dict:
    """Placed, in progress, answered, voicemail, no answer, busy, failed, booked; average and longest
    talk time in seconds (of calls that were talked on)."""
    outcome = Call.Outcome
    figures = calls.aggregate(
        placed=Count("uuid"),
        in_progress=Count("uuid", filter=~Q(status=Call.Status.ENDED)),
        # Answered by a person: known for sure at the end; while a call is up, answered and no beep yet.
        answered=Count("uuid", filter=Q(answered_at__isnull=False) & ~Q(answered_by=Call.AnsweredBy.MACHINE)),
        voicemail=Count("uuid", filter=Q(outcome=outcome.VOICEMAIL_LEFT)),
        no_answer=Count("uuid", filter=Q(outcome=outcome.NO_ANSWER)),
        busy=Count("uuid", filter=Q(outcome=outcome.BUSY)),
        failed=Count("uuid", filter=Q(outcome=outcome.FAILED)),
        booked=Count("uuid", filter=Q(outcome=outcome.BOOKED)),
        average_seconds=Avg("billsec", filter=Q(billsec__gt=0)),
        longest_seconds=Max("billsec"),
    )
    figures["average_seconds"] = round(figures["average_seconds"] or 0)
    figures["longest_seconds"] = figures["longest_seconds"] or 0
    return figures


def calling_rules_overview(*, office: Office) -> dict:
    """The office's dialing policy, the calling-hours rules that apply to it (shared and its own) and its
    holidays from today on."""
    policy, _ = DialingPolicy.objects.get_or_create(office=office)
    rules = CallingRule.objects.filter(Q(office__isnull=True) | Q(office=office)).order_by(
        "office_id", "jurisdiction", "weekday"
    )
    holidays = OfficeHoliday.objects.filter(office=office, date__gte=dt.date.today())
    return {"policy": policy, "rules": rules, "holidays": holidays}
