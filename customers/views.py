from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from customers.criteria import CriteriaForm
from customers.csv_export import customers_csv_lines
from customers.models import Customer, Tag
from customers.paging import KeysetPage, MatchCount
from customers.selectors import (
    SETTLED_DAYS,
    customers_listing,
    customers_matching,
    import_batches_recent,
    list_keys,
    outcomes_seen,
    recently_settled_count,
)
from issetter.tenancy import get_for_office

PAGE_SIZE = 50


@require_GET
def customer_index(request: HttpRequest) -> HttpResponse:
    form = CriteriaForm(request.GET)
    criteria = form.criteria()
    page = KeysetPage(
        lambda reverse: customers_listing(office=request.office, criteria=criteria, reverse=reverse).prefetch_related(
            "tags"
        ),
        list_keys(criteria),
        per_page=PAGE_SIZE,
        after_link=request.GET.get("after", ""),
        before_link=request.GET.get("before", ""),
        start=_whole(request.GET.get("from")),
    )
    context = {
        "form": form,
        "criteria": criteria,
        "page": page,
        "tags": Tag.objects.filter(office=request.office).values_list("name", flat=True),
        "outcomes": outcomes_seen(office=request.office),
        "imports": import_batches_recent(office=request.office),
    }
    return render(request, "customers/customer_list.html", context)


@require_GET
def customer_match_count(request: HttpRequest) -> HttpResponse:
    """How many customers match the list's criteria and "Add all" for them: the list page asks for it once its rows
    are shown."""
    criteria = CriteriaForm(request.GET).criteria()
    context = {
        "criteria": criteria,
        "matches": MatchCount(customers_matching(office=request.office, criteria=criteria)),
        "recently_settled": recently_settled_count(office=request.office, criteria=criteria),
        "settled_days": SETTLED_DAYS,
    }
    return render(request, "customers/_match_count.html", context)


def _whole(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else 1


@require_GET
def customer_export(request: HttpRequest) -> StreamingHttpResponse:
    criteria = CriteriaForm(request.GET).criteria()
    customers = customers_matching(office=request.office, criteria=criteria).iterator(chunk_size=2000)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    return StreamingHttpResponse(
        customers_csv_lines(customers),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="customers-{request.office.slug}-{stamp}.csv"'},
    )


@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_for_office(Customer.objects.prefetch_related("tags"), request.office, pk=pk)
    calls = customer.calls.order_by("-created_at")[:50]
    appointments = customer.appointments.order_by("-starts_at")[:20]
    held_back = customer.queue_entries.exclude(skip_reason="").filter(status__in=("waiting", "blocked")).first()
    queued = customer.queue_entries.filter(status__in=("waiting", "calling")).first()
    alerts = customer.alerts.filter(resolved_at__isnull=True)  # promises not kept on time (calls' alerts)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "calls": calls,
            "appointments": appointments,
            "held_back": held_back,
            "queued": queued,
            "alerts": alerts,
        },
    )
