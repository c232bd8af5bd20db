import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from calendars.selectors import appointments_between, calendar_accounts_of


@require_GET
def calendar_index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming = appointments_between(office=request.office, start=now, end=now + dt.timedelta(days=60))
    accounts = calendar_accounts_of(office=request.office, user=request.user)
    return render(request, "calendars/calendar.html", {"upcoming": upcoming[:200], "accounts": accounts})
