from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from calls.models import Call
from calls.queue_services import QueueError, queue_add_customer, queue_add_matching, queue_clear, queue_entry_remove
from calls.selectors import call_list, queue_counts, queue_open_entries
from customers.criteria import CriteriaForm
from customers.models import Customer
from customers.selectors import customers_matching
from issetter.tenancy import get_for_office


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    entries = queue_open_entries(office=request.office)
    counts = queue_counts(office=request.office, now=timezone.now())
    return render(request, "calls/queue.html", {"entries": entries[:500], "counts": counts})


@require_POST
def queue_add_all(request: HttpRequest) -> HttpResponse:
    """Queue every customer matching the Customers page's criteria (the whole set, not the page)."""
    form = CriteriaForm(request.POST)
    matching = customers_matching(office=request.office, criteria=form.criteria())
    total = matching.count()
    added = queue_add_matching(office=request.office, customers=matching, added_by=request.user)
    skipped = total - added
    note = f" {skipped} skipped (do-not-call or already queued)." if skipped else ""
    messages.success(request, f"Added {added} customer{'s' if added != 1 else ''} to the queue.{note}")
    return redirect(f"{reverse('customers:list')}?{form.criteria().query_string()}")


@require_POST
def queue_add_one(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_for_office(Customer, request.office, pk=customer_id)
    try:
        queue_add_customer(office=request.office, customer=customer, added_by=request.user)
        messages.success(request, f"{customer} is in the queue.")
    except QueueError as refusal:
        messages.error(request, str(refusal))
    return redirect(request.POST.get("next") or reverse("customers:detail", args=[customer.pk]))


@require_POST
def queue_remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    if not queue_entry_remove(office=request.office, entry_id=entry_id):
        messages.error(request, "That entry is no longer waiting in the queue.")
    return redirect("calls:queue")


@require_POST
def queue_clear_all(request: HttpRequest) -> HttpResponse:
    removed = queue_clear(office=request.office)
    messages.success(request, f"Removed {removed} waiting customer{'s' if removed != 1 else ''} from the queue.")
    return redirect("calls:queue")


@require_GET
def call_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(call_list(office=request.office), 50).get_page(request.GET.get("page"))
    return render(request, "calls/call_list.html", {"page": page})


@require_GET
def call_detail(request: HttpRequest, uuid) -> HttpResponse:
    call = get_for_office(Call.objects.select_related("customer", "dial_run"), request.office, uuid=uuid)
    return render(request, "calls/call_detail.html", {"call": call, "turns": call.turns.all()})
