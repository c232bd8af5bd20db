from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from calls.call_export import call_csv_lines
from calls.call_filters import CallFilterForm, calls_filtered
from calls.call_review import ReviewError, call_appointment, call_outcome_review
from calls.dialer import dial_run_begin, dial_run_resume, dial_run_set_status
from calls.live import live_context
from calls.models import Call, DialRun
from calls.queue_services import QueueError, queue_add_customer, queue_add_matching, queue_clear, queue_entry_remove
from calls.ranged_files import ranged_file_response
from calls.selectors import call_list, call_recording_path, calling_rules_overview, queue_counts, queue_open_entries
from callscripts.models import Script
from callscripts.selectors import script_list
from customers.criteria import CriteriaForm
from customers.models import Customer
from customers.selectors import customers_matching
from issetter.tenancy import get_for_office

QUEUE_ROWS_SHOWN = 500


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    entries = queue_open_entries(office=request.office)
    counts = queue_counts(office_id=request.office.pk, now=timezone.now())
    scripts = script_list(office=request.office)
    context = {
        "entries": entries[:QUEUE_ROWS_SHOWN],
        "counts": counts,
        "scripts": scripts,
        **live_context(office_id=request.office.pk),
    }
    return render(request, "calls/queue.html", context)


@require_GET
def queue_entries(request: HttpRequest) -> HttpResponse:
    """The Queue page's table alone: what the page's poll swaps in."""
    entries = queue_open_entries(office=request.office)[:QUEUE_ROWS_SHOWN]
    return render(request, "calls/queue.html#entries", {"entries": entries})


@require_POST
def queue_call(request: HttpRequest) -> HttpResponse:
    """ "Call queued": start a dial run with the chosen script; the live block shows it at once."""
    script_id = request.POST.get("script") or None
    script = get_for_office(Script, request.office, pk=script_id) if script_id else None
    variant_id = request.POST.get("variant_script") or None
    variant = get_for_office(Script, request.office, pk=variant_id) if variant_id and variant_id != script_id else None
    run = dial_run_begin(office=request.office, script=script, started_by=request.user, variant_script=variant)
    run.refresh_from_db()
    if run.status == DialRun.Status.FAILED:  # the worker's queue is unreachable: the live block says why
        messages.error(request, run.status_reason)
    return _live_block(request)


@require_POST
def run_control(request: HttpRequest, run_id: int, action: str) -> HttpResponse:
    if action not in ("pause", "resume", "cancel"):
        raise Http404("No such action.")
    run = get_for_office(DialRun, request.office, pk=run_id)
    if action == "resume":
        dial_run_resume(run=run)
    else:
        status = {"pause": DialRun.Status.PAUSED, "cancel": DialRun.Status.CANCELLED}[action]
        dial_run_set_status(run=run, status=status, reason=f"{action.capitalize()}d by {request.user.email}.")
    return _live_block(request)


def _live_block(request: HttpRequest) -> HttpResponse:
    if request.htmx:
        return render(request, "calls/_live.html", live_context(office_id=request.office.pk))
    return redirect("calls:queue")


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
def queue_add_picked(request: HttpRequest) -> HttpResponse:
    """A Queue button of the Customers page: one form for the page, the button carrying its customer (a form,
    a URL and a CSRF token per row were a third of the page's time over a million customers)."""
    customer_id = request.POST.get("customer", "")
    if not customer_id.isdigit():
        raise Http404("No such customer.")
    return queue_add_one(request, int(customer_id))


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
    form, calls = _filtered_calls(request)
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "calls/call_list.html", {"page": page, "form": form, "filters": kept.urlencode()})


@require_GET
def call_export(request: HttpRequest) -> StreamingHttpResponse:
    """The listed calls (the same filters) as CSV, with their transcripts."""
    _, calls = _filtered_calls(request)
    response = StreamingHttpResponse(call_csv_lines(calls, office=request.office), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="calls.csv"'
    return response


def _filtered_calls(request: HttpRequest):
    form = CallFilterForm(request.GET or None, office=request.office)
    calls = call_list(office=request.office)
    if form.is_bound and form.is_valid():
        calls = calls_filtered(calls, office=request.office, values=form.cleaned_data)
    return form, calls


@require_GET
def call_detail(request: HttpRequest, uuid) -> HttpResponse:
    call = get_for_office(Call.objects.select_related("customer", "dial_run"), request.office, uuid=uuid)
    context = {
        "call": call,
        "turns": call.turns.all(),
        "has_recording": call_recording_path(call=call) is not None,
        "appointment": call_appointment(call=call),
        "outcomes": Call.Outcome.choices,
        "feedback": call.feedback.select_related("author", "turn"),
    }
    return render(request, "calls/call_detail.html", context)


@require_POST
def call_outcome_correct(request: HttpRequest, uuid) -> HttpResponse:
    call = get_for_office(Call, request.office, uuid=uuid)
    try:
        call_outcome_review(call=call, outcome=request.POST.get("outcome", ""), user=request.user)
    except ReviewError as problem:
        messages.error(request, str(problem))
    else:
        shown = call.get_reviewed_outcome_display() or f"the agent's ({call.get_outcome_display()})"
        messages.success(request, f"Outcome set to {shown}.")
    return redirect("calls:detail", uuid=call.uuid)


@require_GET
def call_audio(request: HttpRequest, uuid) -> HttpResponse:
    """The call's recording (WAV) for the <audio> player and the Download link; seekable (Range requests)."""
    call = get_for_office(Call, request.office, uuid=uuid)
    path = call_recording_path(call=call)
    if path is None:
        raise Http404("This call has no recording.")
    return ranged_file_response(
        request=request,
        path=path,
        content_type="audio/wav",
        filename=f"call-{call.uuid}.wav",
        headers={"Cache-Control": "private"},
    )


@require_GET
def calling_rules(request: HttpRequest) -> HttpResponse:
    """What the compliance gate applies to this office, in one place (supervisors edit it in Admin)."""
    return render(request, "calls/calling_rules.html", calling_rules_overview(office=request.office))
