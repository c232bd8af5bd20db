from calls.alert_models import Alert
from calls.selectors import call_figures_between, queue_open_entries
from issetter.dashboard import Day, Figure, figure_provider
from issetter.models import Office


@figure_provider
def call_figures(office: Office, day: Day) -> list[Figure]:
    counts = call_figures_between(office=office, start=day.start, end=day.end)
    alerts = Alert.objects.filter(office=office, resolved_at__isnull=True).count()
    return [
        Figure("Alerts to act on", alerts, order=5, url_name="calls:alert_list", lead=True),
        Figure("In queue", queue_open_entries(office=office).count(), order=20, url_name="calls:queue"),
        Figure("Calls today", counts["placed"], order=30, url_name="calls:list", lead=True),
        Figure("Answered today", counts["answered"], order=40),
        Figure("Voicemails left today", counts["voicemail"], order=50),
        Figure("Booked today", counts["booked"], order=60, lead=True),
        Figure("No answer today", counts["no_answer"], order=62),
        Figure("Busy today", counts["busy"], order=64),
        Figure("Failed today", counts["failed"], order=66),
        Figure("Average call today (s)", counts["average_seconds"], order=68),
        Figure("Longest call today (s)", counts["longest_seconds"], order=69),
    ]
