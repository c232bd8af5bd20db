"""/reports/: a period's calls as charts and tables — a funnel (dialed → answered → by a person → booked), each
day's calls, the figures by script, run, staff member (or office, for superusers), the agent's reply time and
"not understood" rate, who the calling rules held back and why — and every figure as CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from calls.models import Call, DialRun
from callscripts.models import Script
from callscripts.services import script_make_default
from issetter.tenancy import get_for_office
from reports.call_figures import COLUMNS, GROUPINGS, figures_by, figures_by_day, figures_total
from reports.held_back import held_back_by_kind
from reports.script_tests import script_tests
from reports.turn_figures import turn_figures
from reports.views import period_from_request

GROUPING_NAMES = {
    "script": "Script",
    "run": "Run",
    "staff": "Staff member",
    "mood": "Callee's mood",
    "office": "Office",
}


def _report(request: HttpRequest) -> dict:
    form, period = period_from_request(request)
    grouping = request.GET.get("by", "script")
    everyone = request.user.is_superuser and grouping == "office"
    if grouping not in GROUPINGS or (grouping == "office" and not everyone):
        grouping = "script"
    calls = Call.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    if not everyone:
        calls = calls.filter(office=request.office)
    zone = request.office.zone
    total = figures_total(calls)
    days = figures_by_day(calls, zone=zone, first_day=period.first_day, last_day=period.last_day)
    groups = figures_by(calls, grouping=grouping, zone=zone)
    return {
        "form": form,
        "period": period,
        "grouping": grouping,
        "groupings": {k: v for k, v in GROUPING_NAMES.items() if k != "office" or request.user.is_superuser},
        "total": total,
        "days": days,
        "groups": groups,
        "agent": turn_figures(calls),
        "script_tests": [] if everyone else script_tests(office=request.office, start=period.start, end=period.end),
        "held_back": held_back_by_kind(office=None if everyone else request.office, start=period.start, end=period.end),
        "columns": COLUMNS,
        "charts": {
            "funnel": [total.dialed, total.answered, total.person, total.booked],
            "days": [row.label for row in days],
            "dialed": [row.dialed for row in days],
            "answered": [row.answered for row in days],
            "booked": [row.booked for row in days],
            "groups": [row.label for row in groups],
            "rates": [row.booking_rate or 0 for row in groups],
        },
    }


@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html", _report(request))


@require_GET
def report_csv(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"calls-{report['period'].first_day}-to-{report['period'].last_day}-by-{report['grouping']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["section", *(title or "name" for _, title in COLUMNS)])
    sections = [("total", [report["total"]]), ("day", report["days"]), (report["grouping"], report["groups"])]
    for section, rows in sections:
        for row in rows:
            values = row.row()
            writer.writerow([section, *("" if values[key] is None else values[key] for key, _ in COLUMNS)])
    agent = report["agent"]
    writer.writerow([])
    writer.writerow(["agent", "callee turns", "not understood", "not understood (%)", "reply p50 ms", "reply p95 ms"])
    writer.writerow(
        ["agent", agent.callee_turns, agent.not_understood, agent.not_understood_rate, agent.latency_p50_ms,
         agent.latency_p95_ms]
    )  # fmt: skip
    writer.writerow([])
    writer.writerow(["held back", "why", "entries"])
    for kind, count in report["held_back"]:
        writer.writerow(["held back", kind, count])
    return response


@require_POST
def script_test_promote(request: HttpRequest, run_id: int, script_id: int) -> HttpResponse:
    """One click: the script test's winner becomes the office's default script."""
    run = get_for_office(DialRun, request.office, pk=run_id)
    if script_id not in (run.script_id, run.variant_script_id):
        raise Http404("That script was not in this test.")
    script = script_make_default(script=get_for_office(Script, request.office, pk=script_id))
    messages.success(request, f"{script.name} is now the office's default script.")
    return redirect(f"{reverse('reports:index')}?{request.GET.urlencode()}")
