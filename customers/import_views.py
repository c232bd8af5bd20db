from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from customers.csv_export import problems_csv_lines
from customers.import_columns import ALIASES, FIELD_LABELS, MappingError
from customers.import_files import ImportFileError
from customers.import_services import import_preview, import_start, import_upload
from customers.models import ImportBatch
from issetter.tenancy import get_for_office


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a CSV or Excel file to import.")
        return redirect("customers:list")
    try:
        batch = import_upload(
            office=request.office, file_name=upload.name, data=upload.read(), uploaded_by=request.user
        )
    except (ImportFileError, MappingError) as problem:
        messages.error(request, f"{upload.name}: {problem}")
        return redirect("customers:list")
    return redirect("customers:import_detail", pk=batch.pk)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_for_office(ImportBatch, request.office, pk=pk)
    context = {"batch": batch}
    if batch.status == ImportBatch.Status.PENDING:
        header, rows = import_preview(batch=batch)
        context |= {"header": header, "rows": rows, "fields": _field_choices(batch, header)}
    return render(request, "customers/import_detail.html", context)


@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_for_office(ImportBatch, request.office, pk=pk, status=ImportBatch.Status.PENDING)
    header, _ = import_preview(batch=batch)
    chosen = {field: request.POST.get(f"column_{field}", "") for field in ALIASES}
    mapping = {field: int(index) for field, index in chosen.items() if index.isdigit()}
    try:
        import_start(batch=batch, mapping=mapping, header=header)
    except MappingError as problem:
        messages.error(request, str(problem))
    return redirect("customers:import_detail", pk=batch.pk)


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_for_office(ImportBatch, request.office, pk=pk)
    response = render(request, "customers/import_detail.html#progress", {"batch": batch})
    if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.FAILED):
        return HttpResponseStopPolling(response.content)  # 286: HTMX stops polling and shows the summary
    return response


@require_GET
def problems_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    batch = get_for_office(ImportBatch, request.office, pk=pk)
    return StreamingHttpResponse(
        problems_csv_lines(batch.problems),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{batch.pk}-problems.csv"'},
    )


def _field_choices(batch: ImportBatch, header: list[str]) -> list[dict]:
    return [
        {"field": field, "label": FIELD_LABELS[field], "selected": batch.column_mapping.get(field)} for field in ALIASES
    ]
