"""The value report: a period's cost, cost per booking, staff hours taken over and the bookings' estimated
value, with the assumptions beside them (supervisors edit them); and a one-page summary to print."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from reports.forms import CostSettingsForm, PeriodForm
from reports.value import cost_settings_of, period_of, value_report

DEFAULT_DAYS = 30


def period_from_request(request: HttpRequest):
    """The period the page's From and To ask for (the last 30 days by default, or when they do not read)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or {"start": today - dt.timedelta(days=DEFAULT_DAYS - 1), "end": today})
    if form.is_valid():
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        first, last = today - dt.timedelta(days=DEFAULT_DAYS - 1), today
    return form, period_of(office=request.office, first_day=first, last_day=last)


@require_GET
def value_page(request: HttpRequest) -> HttpResponse:
    form, period = period_from_request(request)
    report = value_report(office=request.office, period=period)
    context = {
        "form": form,
        "report": report,
        "costs_form": CostSettingsForm(instance=report.costs),
        "can_edit": request.membership is not None and request.membership.is_supervisor,
    }
    return render(request, "reports/value.html", context)


@require_GET
def value_summary(request: HttpRequest) -> HttpResponse:
    _, period = period_from_request(request)
    return render(request, "reports/value_summary.html", {"report": value_report(office=request.office, period=period)})


@require_POST
def costs_update(request: HttpRequest) -> HttpResponse:
    if request.membership is None or not request.membership.is_supervisor:
        raise PermissionDenied("Only the office's supervisors change its cost settings.")
    form = CostSettingsForm(request.POST, instance=cost_settings_of(office=request.office))
    if form.is_valid():
        form.save()
        messages.success(request, "Cost settings saved: the figures below use them.")
    else:
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else 'Settings'}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        messages.error(request, f"Cost settings not saved — {problems}")
    return redirect(f"{reverse('reports:value')}?{request.GET.urlencode()}")
