from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from issetter.dashboard import figures_today, office_day
from issetter.models import Office


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    day = office_day(request.office)
    return render(request, "home.html", {"figures": figures_today(request.office), "day": day})


@require_GET
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def office_logo(request: HttpRequest) -> HttpResponse:
    """The signed-in user's office logo (a raster image checked on upload), for its pages and its admin."""
    if request.office is None:
        raise Http404("No office.")
    logo = Office.objects.filter(pk=request.office.pk).values_list("logo", "logo_content_type").first()
    if not logo or not logo[0] or not logo[1]:
        raise Http404("This office has no logo.")
    response = HttpResponse(bytes(logo[0]), content_type=logo[1])
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
