from django.contrib import admin

from agent.models import Feedback, Script
from issetter.admin_scoping import OfficeScopedAdmin


@admin.register(Script)
class ScriptAdmin(OfficeScopedAdmin):
    list_display = ("name", "agent_name", "appointment_type", "appointment_minutes", "voice", "is_default")
    list_filter = ("is_default", "dialogue_policy")
    search_fields = ("name", "agent_name", "greeting")


@admin.register(Feedback)
class FeedbackAdmin(OfficeScopedAdmin):
    list_display = ("created_at", "call", "rating", "author", "comment")
    list_filter = ("rating",)
    search_fields = ("comment", "suggested_reply")
    autocomplete_fields = ("call", "turn")
