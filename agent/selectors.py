from django.db.models import QuerySet

from agent.models import Script
from issetter.models import Office


def script_list(*, office: Office) -> QuerySet[Script]:
    return Script.objects.filter(office=office).order_by("-is_default", "name")
