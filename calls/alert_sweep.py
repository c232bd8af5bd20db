"""Alerts raised by looking (each minute, with the scheduler's round): flagged calls, runs the safety check paused,
calendars that need reconnecting, a day of many more opt-outs than the office's usual. Each is raised once (its
`key`), and staff are told of each new alert once: by email to the office's supervisors (Django's email backend;
the console under `make run`) and, where the office set one, a JSON POST to its webhook."""

from __future__ import annotations

import datetime as dt
import logging

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from calendars.models import CalendarAccount
from calls.alert_models import Alert
from calls.dialer import BREAKER_PREFIX
from calls.models import Call, DialRun
from issetter.models import Membership, Office

log = logging.getLogger(__name__)

LOOK_BACK = dt.timedelta(days=2)  # flagged calls and paused runs older than this were seen already
SPIKE_BASELINE_DAYS = 28
SPIKE_MIN_OPT_OUTS = 5  # a day needs at least this many opt-outs to be a spike
SPIKE_FACTOR = 3  # and its rate at least this many times the usual rate
WEBHOOK_TIMEOUT_SECONDS = 5


def alerts_sweep(*, now: dt.datetime) -> int:
    """Raise what needs raising, then tell staff of every alert not told yet; returns how many were raised."""
    raised = _flagged_calls(now) + _paused_runs(now) + _calendars_to_reconnect() + _opt_out_spikes(now)
    alerts_notify(now=now)
    return raised


def _raise_new(kind: str, found: list[tuple[int, str, dict]]) -> int:
    """Raise each of `found` — (office id, key, the alert's fields) — that was not raised before: one query
    for the keys already there, so a condition that lasts costs no failed inserts minute after minute."""
    if not found:
        return 0
    keys = {key for _, key, _ in found}
    seen = set(Alert.objects.filter(kind=kind, key__in=keys).values_list("office_id", "key"))
    raised = 0
    for office_id, key, fields in found:
        if (office_id, key) in seen:
            continue
        try:
            with transaction.atomic():
                fields = {**fields, "message": fields["message"][:500]}
                Alert.objects.create(office_id=office_id, kind=kind, key=key, **fields)
        except IntegrityError:
            continue  # another worker raised it a moment ago
        raised += 1
    return raised


def _flagged_calls(now: dt.datetime) -> int:
    calls = Call.objects.filter(flagged=True, created_at__gte=now - LOOK_BACK).exclude(
        alerts__kind=Alert.Kind.CALL_FLAGGED
    )
    return _raise_new(Alert.Kind.CALL_FLAGGED, [
        (call.office_id, f"call:{call.uuid}", {
            "call": call, "customer_id": call.customer_id, "link": reverse("calls:detail", args=[call.uuid]),
            "message": f"A call to {call.customer or call.to_number} was flagged: {call.flag_reason}",
        })
        for call in calls.select_related("customer")
    ])  # fmt: skip


def _paused_runs(now: dt.datetime) -> int:
    runs = DialRun.objects.filter(
        status=DialRun.Status.PAUSED, status_reason__startswith=BREAKER_PREFIX, created_at__gte=now - LOOK_BACK
    )
    return _raise_new(Alert.Kind.RUN_PAUSED, [
        (run.office_id, f"run:{run.pk}", {"message": f"Calling stopped: {run.status_reason}",
                                          "link": reverse("calls:queue")})
        for run in runs
    ])  # fmt: skip


def _calendars_to_reconnect() -> int:
    accounts = CalendarAccount.objects.filter(status=CalendarAccount.Status.NEEDS_RECONNECT).select_related("user")
    return _raise_new(Alert.Kind.CALENDAR_RECONNECT, [
        (account.office_id, f"calendar:{account.pk}:{account.status_detail[:60]}", {
            "message": f"{account.get_provider_display()} calendar of {account.user} needs reconnecting: nothing is "
            f"booked into it until then ({account.status_detail or 'the sign-in expired'}).",
            "link": reverse("calendars:index"),
        })
        for account in accounts
    ])  # fmt: skip


def _opt_out_spikes(now: dt.datetime) -> int:
    """Today's opt-out rate (of answered calls) against the office's last 28 days: a spike is at least
    SPIKE_MIN_OPT_OUTS opt-outs at SPIKE_FACTOR times the usual rate (or any number where there were none).
    Only offices with that many opt-outs in the last 24 hours (which hold any office's today) are looked at."""
    opt_out = Q(outcome=Call.Outcome.DO_NOT_CALL)
    answered = Q(answered_by=Call.AnsweredBy.HUMAN)
    busy = (
        Call.objects.filter(opt_out, created_at__gte=now - dt.timedelta(hours=24))
        .values("office_id")
        .annotate(opt_outs=Count("pk"))
        .filter(opt_outs__gte=SPIKE_MIN_OPT_OUTS)
        .values("office_id")
    )
    found = []
    for office in Office.objects.filter(pk__in=busy):
        day_start = dt.datetime.combine(now.astimezone(office.zone).date(), dt.time(0), tzinfo=office.zone)
        calls = Call.objects.filter(office=office)
        today = calls.filter(created_at__gte=day_start).aggregate(
            answered=Count("pk", filter=answered), opt_outs=Count("pk", filter=opt_out)
        )
        if today["opt_outs"] < SPIKE_MIN_OPT_OUTS or not today["answered"]:
            continue
        before = calls.filter(
            created_at__gte=day_start - dt.timedelta(days=SPIKE_BASELINE_DAYS), created_at__lt=day_start
        )
        usual = before.aggregate(answered=Count("pk", filter=answered), opt_outs=Count("pk", filter=opt_out))
        rate = today["opt_outs"] / today["answered"]
        usual_rate = usual["opt_outs"] / usual["answered"] if usual["answered"] else 0
        if usual_rate and rate < SPIKE_FACTOR * usual_rate:
            continue
        usual_words = f"{usual_rate:.0%} usually" if usual_rate else "none in the 28 days before"
        found.append((office.pk, f"opt-outs:{day_start.date()}", {
            "message": f"{today['opt_outs']} of today's {today['answered']} answered calls asked not to be called "
            f"({rate:.0%}; {usual_words}). Listen to a few: the script or the list may be at fault.",
            "link": reverse("calls:list") + "?outcome=do_not_call",
        }))  # fmt: skip
    return _raise_new(Alert.Kind.OPT_OUT_SPIKE, found)


def alerts_notify(*, now: dt.datetime | None = None) -> int:
    """Tell staff of each alert not told yet (claimed first, so two workers never send one twice)."""
    told = 0
    for alert in Alert.objects.filter(notified_at__isnull=True, resolved_at__isnull=True).select_related("office"):
        if not Alert.objects.filter(pk=alert.pk, notified_at__isnull=True).update(notified_at=now or timezone.now()):
            continue
        _email(alert)
        _webhook(alert)
        told += 1
    return told


def _email(alert: Alert) -> None:
    supervisors = list(
        Membership.objects.filter(office_id=alert.office_id, role=Membership.Role.SUPERVISOR).values_list(
            "user__email", flat=True
        )
    )
    if not supervisors:
        return
    link = f"{settings.SITE_URL}{alert.link or reverse('calls:alert_list')}"
    try:
        send_mail(
            subject=f"[{alert.office.name}] {alert.get_kind_display()}",
            message=f"{alert.message}\n\nOpen: {link}\n",
            from_email=None,
            recipient_list=supervisors,
        )
    except Exception:  # noqa: BLE001  (a mail server away must not stop the scheduler)
        log.exception("could not email alert %s", alert.pk)


def _webhook(alert: Alert) -> None:
    url = alert.office.alert_webhook_url
    if not url:
        return
    body = {
        "office": alert.office.slug,
        "kind": alert.kind,
        "title": alert.get_kind_display(),
        "message": alert.message,
        "link": f"{settings.SITE_URL}{alert.link}" if alert.link else "",
        "created_at": alert.created_at.isoformat(),
        "text": f"{alert.get_kind_display()}: {alert.message}",  # what chat webhooks show
    }
    try:
        requests.post(url, json=body, timeout=WEBHOOK_TIMEOUT_SECONDS).raise_for_status()
    except Exception as problem:  # noqa: BLE001
        log.warning("alert %s: the office's webhook did not take it (%s)", alert.pk, type(problem).__name__)
