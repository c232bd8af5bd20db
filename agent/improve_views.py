"""/improve/: what went wrong lately, and one action to teach the agent from it (agent/teaching.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agent.improve import WEEKS, improve_overview
from agent.models import Teaching
from agent.teaching import TeachingError, teaching_add, teaching_withdraw
from callscripts.models import Script
from callscripts.selectors import script_list
from issetter.tenancy import get_for_office


@require_GET
def improve_page(request: HttpRequest) -> HttpResponse:
    context = {
        **improve_overview(office=request.office),
        "weeks_shown": WEEKS,
        "meanings": Teaching.Meaning.choices,
        "scripts": script_list(office=request.office),
    }
    return render(request, "agent/improve.html", context)


@require_POST
def teach(request: HttpRequest) -> HttpResponse:
    script_id = request.POST.get("script") or None
    script = get_for_office(Script, request.office, pk=script_id) if script_id else None
    try:
        teaching = teaching_add(
            office=request.office,
            phrase=request.POST.get("phrase", ""),
            meaning=request.POST.get("meaning", ""),
            author=request.user,
            script=script,
            answer=request.POST.get("answer", ""),
        )
    except TeachingError as problem:
        messages.error(request, str(problem))
    else:
        teaching.refresh_from_db()  # the check on whole calls may have run already (a worker, or inline)
        if teaching.status == Teaching.Status.LIVE:
            messages.success(request, f"Taught (version {teaching.version}): {teaching.reason}")
        elif teaching.status == Teaching.Status.CHECKING:
            messages.success(
                request,
                f"Version {teaching.version} is being checked on whole calls ({teaching.reason}); it goes live when "
                "they go as before — this page shows when.",
            )
        else:
            messages.error(request, f"Not taught (version {teaching.version} refused): {teaching.reason}")
    return redirect("improve:page")


@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    teaching = get_for_office(Teaching, request.office, pk=pk)
    teaching_withdraw(teaching=teaching)
    messages.success(request, f"Version {teaching.version} (“{teaching.phrase}”) withdrawn.")
    return redirect("improve:page")
