from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from calls.models import Call
from calls.selectors import call_list, queue_open_entries
from issetter.tenancy import get_for_office


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    entries = queue_open_entries(office=request.office)
    return render(request, "calls/queue.html", {"entries": entries[:500], "total": entries.count()})


@require_GET
def call_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(call_list(office=request.office), 50).get_page(request.GET.get("page"))
    return render(request, "calls/call_list.html", {"page": page})


@require_GET
def call_detail(request: HttpRequest, uuid) -> HttpResponse:
    call = get_for_office(Call.objects.select_related("customer", "dial_run"), request.office, uuid=uuid)
    return render(request, "calls/call_detail.html", {"call": call, "turns": call.turns.all()})
