from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from customers.models import Customer
from customers.selectors import customer_list
from issetter.tenancy import get_for_office


@require_GET
def customer_index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page = Paginator(customer_list(office=request.office, search=search), 50).get_page(request.GET.get("page"))
    return render(request, "customers/customer_list.html", {"page": page, "search": search})


@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_for_office(Customer.objects.prefetch_related("tags"), request.office, pk=pk)
    calls = customer.calls.order_by("-created_at")[:50]
    appointments = customer.appointments.order_by("-starts_at")[:20]
    return render(
        request,
        "customers/customer_detail.html",
        {"customer": customer, "calls": calls, "appointments": appointments},
    )
