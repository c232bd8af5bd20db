"""Campaign pages: the list, a new campaign (from the customer list's filters), one campaign's figures (polled
while it runs) with pause / resume / cancel."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calls.campaign_forms import CampaignForm
from calls.campaign_models import Campaign
from calls.campaign_selectors import campaign_calls, campaign_figures, campaign_list, campaign_next_opening
from calls.campaigns import campaign_create, campaign_set_status
from issetter.tenancy import get_for_office


@require_GET
def campaign_index(request: HttpRequest) -> HttpResponse:
    rows = [(campaign, campaign_figures(campaign=campaign)) for campaign in campaign_list(office=request.office)]
    return render(request, "calls/campaign_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CampaignForm(request.POST, office=request.office)
        if form.is_valid():
            campaign = campaign_create(office=request.office, created_by=request.user, **form.cleaned_data)
            messages.success(request, f"Campaign “{campaign.name}” saved: it calls in its hours on its own.")
            return redirect("calls:campaign_detail", campaign_id=campaign.pk)
    else:
        today = timezone.now().astimezone(request.office.zone).date()
        form = CampaignForm(
            office=request.office, initial={"criteria": request.GET.get("criteria", ""), "starts_on": today}
        )
    return render(request, "calls/campaign_form.html", {"form": form})


@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_for_office(Campaign.objects.select_related("script"), request.office, pk=campaign_id)
    context = _figures_context(campaign)
    if request.htmx:
        return render(request, "calls/campaign_detail.html#figures", context)
    return render(request, "calls/campaign_detail.html", context)


@require_POST
def campaign_control(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    statuses = {"pause": Campaign.Status.PAUSED, "resume": Campaign.Status.ACTIVE, "cancel": Campaign.Status.CANCELLED}
    if action not in statuses:
        raise Http404("No such action.")
    campaign = get_for_office(Campaign, request.office, pk=campaign_id)
    past = {"pause": "Paused", "resume": "Resumed", "cancel": "Cancelled"}[action]
    if not campaign_set_status(campaign=campaign, status=statuses[action], reason=f"{past} by {request.user.email}."):
        messages.error(request, f"A {campaign.get_status_display().lower()} campaign cannot be {past.lower()}.")
    return redirect("calls:campaign_detail", campaign_id=campaign.pk)


def _figures_context(campaign: Campaign) -> dict:
    now = timezone.now()
    return {
        "campaign": campaign,
        "figures": campaign_figures(campaign=campaign),
        "next_opening": campaign_next_opening(campaign=campaign, now=now),
        "open_now": campaign.is_open_at(now),
        "runs": campaign.runs.order_by("-created_at")[:10],
        "calls": campaign_calls(campaign)[:50],
    }
