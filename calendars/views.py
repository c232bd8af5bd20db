import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from calendars import connect
from calendars.booking import appointment_cancel, appointment_reschedule
from calendars.models import Appointment, CalendarAccount
from calendars.providers import CalendarError
from calendars.selectors import appointments_between, calendar_accounts_of, calendar_week, next_appointment_day
from calendars.services import calendar_account_connect, calendar_account_disconnect
from calendars.sync import calendar_sync

FLOW_KEY = "calendar_connect_flow"


@require_GET
def calendar_index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    try:
        week_of = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:  # none asked for: the week of the next appointment, else this week
        week_of = next_appointment_day(office=request.office, now=now) or timezone.localdate(now)
    accounts = list(calendar_accounts_of(office=request.office, user=request.user))
    context = {
        "accounts": accounts,
        "reconnect": [a for a in accounts if a.status == CalendarAccount.Status.NEEDS_RECONNECT],
        "syncable": any(a.provider != CalendarAccount.Provider.LOCAL for a in accounts),
        "providers": connect.providers_allowed(office=request.office),
        "week": calendar_week(office=request.office, user=request.user, day=week_of),
        "upcoming": appointments_between(office=request.office, start=now, end=now + dt.timedelta(days=60))[:200],
    }
    return render(request, "calendars/calendar.html", context)


@require_GET
def calendar_connect(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in connect.providers_configured():
        raise Http404("That calendar provider is not configured here.")
    refusal = connect.connect_refusal(office=request.office, provider=provider)
    if refusal:
        messages.error(request, refusal)
        return redirect("calendars:index")
    redirect_uri = request.build_absolute_uri(reverse("calendars:connect_done", args=[provider]))
    try:
        flow = connect.connect_start(provider=provider, redirect_uri=redirect_uri, login_hint=request.user.email)
    except CalendarError as problem:
        messages.error(request, str(problem))
        return redirect("calendars:index")
    request.session[FLOW_KEY] = {"provider": provider, "flow": flow}
    return redirect(flow["auth_uri"])


@require_GET
def calendar_connect_done(request: HttpRequest, provider: str) -> HttpResponse:
    kept = request.session.pop(FLOW_KEY, None) or {}
    if kept.get("provider") != provider:
        messages.error(request, "That sign-in was not started here or has expired: please connect again.")
        return redirect("calendars:index")
    refusal = connect.connect_refusal(office=request.office, provider=provider)
    if refusal:
        messages.error(request, refusal)
        return redirect("calendars:index")
    try:
        token_data, who = connect.connect_finish(
            office=request.office, provider=provider, flow=kept["flow"], query=request.GET.dict()
        )
    except CalendarError as problem:
        messages.error(request, str(problem))
        return redirect("calendars:index")
    account = calendar_account_connect(
        office=request.office, user=request.user, provider=provider, token_data=token_data, **who
    )
    summary = calendar_sync(account=account)
    note = f" ({summary.problem})" if summary.problem else f": {summary.changed} upcoming events read."
    messages.success(request, f"{account.get_provider_display()} calendar {account.account_email} connected{note}")
    return redirect("calendars:index")


@require_POST
def calendar_disconnect(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(CalendarAccount, pk=account_id, office=request.office, user=request.user)
    calendar_account_disconnect(account=account)
    messages.success(request, f"{account.get_provider_display()} calendar disconnected.")
    return redirect("calendars:index")


@require_POST
def calendar_sync_now(request: HttpRequest) -> HttpResponse:
    accounts = calendar_accounts_of(office=request.office, user=request.user).exclude(
        provider=CalendarAccount.Provider.LOCAL
    )
    for account in accounts:
        summary = calendar_sync(account=account)
        if summary.problem:
            messages.error(request, f"{account}: {summary.problem}")
        else:
            messages.success(
                request, f"{account}: {summary.changed} changed, {summary.removed} removed, {summary.pushed} sent."
            )
    return redirect("calendars:index")


@require_POST
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment, pk=appointment_id, office=request.office)
    problem = appointment_cancel(appointment=appointment, comment=request.POST.get("comment", ""))
    if problem:
        messages.warning(request, problem)
    else:
        messages.success(request, f"{appointment.title} cancelled.")
    return redirect(request.POST.get("next") or "calendars:index")


@require_POST
def appointment_reschedule_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment, pk=appointment_id, office=request.office)
    try:
        wanted = timezone.make_aware(dt.datetime.fromisoformat(request.POST.get("starts_at", "")))
    except ValueError:
        messages.error(request, "Choose a date and time to move the appointment to.")
        return redirect("calendars:index")
    result = appointment_reschedule(appointment=appointment, starts_at=wanted)
    if not result.booked:
        nearest = ", ".join(f"{timezone.localtime(t):%a %d %b %H:%M}" for t in result.alternatives) or "none soon"
        messages.error(request, f"{result.message} Nearest free: {nearest}.")
    elif result.message:
        messages.warning(request, result.message)
    else:
        messages.success(
            request, f"{appointment.title} moved to {timezone.localtime(result.appointment.starts_at):%a %d %b %H:%M}."
        )
    return redirect("calendars:index")
