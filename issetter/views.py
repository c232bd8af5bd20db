from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from issetter.dashboard import figures_today, office_day


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    day = office_day(request.office)
    return render(request, "home.html", {"figures": figures_today(request.office), "day": day})


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
