from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agent.models import Script
from agent.selectors import script_list
from issetter.tenancy import get_for_office


@require_GET
def script_index(request: HttpRequest) -> HttpResponse:
    return render(request, "agent/script_list.html", {"scripts": script_list(office=request.office)})


@require_GET
def script_detail(request: HttpRequest, pk: int) -> HttpResponse:
    script = get_for_office(Script, request.office, pk=pk)
    return render(request, "agent/script_detail.html", {"script": script})
