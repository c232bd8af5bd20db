"""Reads of the queue and calls, always inside one office."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, QuerySet, Subquery

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


# What a row of the live table shows: read only these (a call's CDR and a customer's other fields are large,
# and the live block is read again at every change of every call; bench/live_sockets.py).
LIVE_ROW_FIELDS = (
    "uuid",
    "office_id",
    "customer_id",
    "to_number",
    "status",
    "outcome",
    "created_at",
    "ended_at",
    "billsec",
    "answered_by",
    "agent_status",
    "flagged",
    "flag_reason",
    "customer__first_name",
    "customer__last_name",
    "customer__phone",
    "office__phone_region",  # numbers in the office's own format, read in the same query
)


def live_calls(*, office_id: int, now: dt.datetime, recent: int = 15, run_id: int | None = None) -> list[Call]:
    """Calls in progress, then the latest ended ones — of the current run `run_id`, when there is one (for the
    live table)."""
    calls = Call.objects.filter(office_id=office_id).select_related("customer", "office").only(*LIVE_ROW_FIELDS)
    going = list(calls.exclude(status=Call.Status.ENDED).order_by("created_at")[:50])
    ended = calls.filter(status=Call.Status.ENDED, ended_at__gte=now - dt.timedelta(hours=12))
    ended = list((ended.filter(dial_run_id=run_id) if run_id else ended)[:recent])
    return going + ended


def run_figures(*, run: DialRun) -> dict:
    return call_figures(Call.objects.filter(dial_run=run))


def dial_run_latest_with_figures(*, office_id: int) -> tuple[DialRun | None, dict | None]:
    """The office's latest run and its figures (`call_figures`), read in one query: the live block is made
    at every change of every call (bench/live_sockets.py)."""
    latest = DialRun.objects.filter(office_id=office_id).order_by("-created_at", "-id").values("pk")[:1]
    aggregates = _figure_aggregates("calls__")
    annotated = {f"figure_{name}": aggregate for name, aggregate in aggregates.items()}  # clear of DialRun's fields
    run = DialRun.objects.filter(pk=Subquery(latest)).annotate(**annotated).first()
    if run is None:
        return None, None
    return run, _figures_rounded({name: getattr(run, f"figure_{name}") for name in aggregates})


def call_figures(calls: QuerySet[Call]) -> dict:
    """Placed, in progress, answered, voicemail, no answer, busy, failed, booked; average and longest
    talk time in seconds (of calls that were talked on)."""
    return _figures_rounded(calls.aggregate(**_figure_aggregates()))


def _figure_aggregates(path: str = "") -> dict:
    """The figures as aggregates over calls; `path` leads from the model aggregated to its calls. Only positive
    conditions: a negated one across a relation would become a subquery."""
    outcome, status = Call.Outcome, Call.Status

    def counted(**condition) -> Count:
        return Count(f"{path}uuid", filter=Q(**{f"{path}{field}": value for field, value in condition.items()}))

    return {
        "placed": Count(f"{path}uuid"),
        "in_progress": counted(status__in=[value for value in status.values if value != status.ENDED]),
        # Answered by a person: known for sure at the end; while a call is up, answered and no beep yet.
        "answered": counted(
            answered_at__isnull=False,
            answered_by__in=[value for value in Call.AnsweredBy.values if value != Call.AnsweredBy.MACHINE],
        ),
        "voicemail": counted(outcome=outcome.VOICEMAIL_LEFT),
        "no_answer": counted(outcome=outcome.NO_ANSWER),
        "busy": counted(outcome=outcome.BUSY),
        "failed": counted(outcome=outcome.FAILED),
        "booked": counted(outcome=outcome.BOOKED),
        "average_seconds": Avg(f"{path}billsec", filter=Q(**{f"{path}billsec__gt": 0})),
        "longest_seconds": Max(f"{path}billsec"),
    }


def _figures_rounded(figures: dict) -> dict:
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
