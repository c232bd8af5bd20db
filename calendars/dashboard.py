import datetime as dt

from calendars.selectors import appointments_between
from issetter.dashboard import Day, Figure, figure_provider
from issetter.models import Office


@figure_provider
def appointment_figures(office: Office, day: Day) -> list[Figure]:
    return [
        Figure(
            "Appointments today",
            appointments_between(office=office, start=day.start, end=day.end).count(),
            order=70,
            url_name="calendars:index",
        ),
        Figure(
            "Appointments next 7 days",
            appointments_between(office=office, start=day.start, end=day.start + dt.timedelta(days=7)).count(),
            order=80,
            url_name="calendars:index",
        ),
    ]
