from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from agent.feedback import FeedbackError, feedback_add
from calls.models import Call
from issetter.tenancy import get_for_office


@require_POST
def call_feedback_add(request: HttpRequest, uuid) -> HttpResponse:
    call = get_for_office(Call, request.office, uuid=uuid)
    try:
        feedback_add(
            call=call,
            author=request.user,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
            suggested_reply=request.POST.get("suggested_reply", ""),
            turn_index=request.POST.get("turn") or None,
        )
    except FeedbackError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Thank you: your feedback is on the call.")
    return redirect("calls:detail", uuid=call.uuid)
