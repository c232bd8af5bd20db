from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from customers.do_not_call import dnc_add, dnc_import, dnc_remove
from customers.import_files import ImportFileError
from customers.import_rows import RowError
from customers.models import DoNotCallEntry


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    entries = DoNotCallEntry.objects.filter(office=request.office).select_related("added_by").order_by("-created_at")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "customers/do_not_call.html", {"page": page})


@require_POST
def add(request: HttpRequest) -> HttpResponse:
    try:
        entry, created = dnc_add(
            office=request.office,
            number=request.POST.get("number", ""),
            reason=request.POST.get("reason", ""),
            added_by=request.user,
        )
        messages.success(
            request, f"{entry.phone} will never be called." if created else f"{entry.phone} was already blocked."
        )
    except RowError as problem:
        messages.error(request, f"Not added: {problem}.")
    return redirect("customers:do_not_call")


@require_POST
def remove(request: HttpRequest, entry_id: int) -> HttpResponse:
    if dnc_remove(office=request.office, entry_id=entry_id):
        messages.success(request, "The number was taken off the do-not-call list.")
    return redirect("customers:do_not_call")


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file of numbers to block.")
        return redirect("customers:do_not_call")
    try:
        result = dnc_import(office=request.office, data=upload.read(), file_name=upload.name, added_by=request.user)
    except ImportFileError as problem:
        messages.error(request, f"{upload.name}: {problem}")
        return redirect("customers:do_not_call")
    summary = (
        f"{upload.name}: {result.added} numbers blocked, {result.already} already on the list, "
        f"{result.invalid} invalid."
    )
    details = "; ".join(f"line {error['line']}: {error['reason']}" for error in result.errors[:20])
    messages.success(request, summary + (f" ({details})" if details else ""))
    return redirect("customers:do_not_call")
