from django.contrib import admin

from callscripts.models import Script
from issetter.admin_scoping import OfficeScopedAdmin


@admin.register(Script)
class ScriptAdmin(OfficeScopedAdmin):
    list_display = ("name", "agent_name", "appointment_type", "appointment_minutes", "voice", "is_default")
    list_filter = ("is_default", "dialogue_policy")
    search_fields = ("name", "agent_name", "greeting")
