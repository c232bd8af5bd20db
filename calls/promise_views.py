"""Promises on the pages: a callback staff promise from the profile, and the alerts about promises not kept
(listed, and dismissed by hand)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from calls.alert_models import Alert
from calls.promises import PromiseError, alert_dismiss, callback_promise
from customers.models import Customer
from issetter.tenancy import get_for_office


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = Alert.objects.filter(office=request.office).select_related("customer", "resolved_by")
    return render(
        request,
        "calls/alert_list.html",
        {"open": alerts.filter(resolved_at__isnull=True), "resolved": alerts.exclude(resolved_at=None)[:50]},
    )


@require_POST
def callback_new(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Staff promise a callback from the profile: the scheduler dials it at that time."""
    customer = get_for_office(Customer, request.office, pk=customer_id)
    try:
        at = dt.datetime.fromisoformat(request.POST.get("at", "")).replace(tzinfo=request.office.zone)
        callback_promise(customer=customer, at=at, promised_by=request.user, note=request.POST.get("note", ""))
    except ValueError:
        messages.error(request, "Choose the date and time of the callback.")
    except PromiseError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"Callback promised for {at:%a %b %-d, %-I:%M %p}: it will be dialed then.")
    return redirect("customers:detail", pk=customer.pk)


@require_POST
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_for_office(Alert, request.office, pk=alert_id)
    alert_dismiss(alert=alert, by=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("home")
    return redirect(back)
