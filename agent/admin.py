from django.contrib import admin

from agent.models import Feedback, Teaching
from issetter.admin_scoping import OfficeScopedAdmin


@admin.register(Feedback)
class FeedbackAdmin(OfficeScopedAdmin):
    list_display = ("created_at", "call", "rating", "author", "comment")
    list_filter = ("rating",)
    search_fields = ("comment", "suggested_reply")
    autocomplete_fields = ("call", "turn")


@admin.register(Teaching)
class TeachingAdmin(OfficeScopedAdmin):
    """What the office taught the agent, version by version (taught and withdrawn on the Improve page)."""

    list_display = ("version", "phrase", "meaning", "status", "author", "created_at")
    list_filter = ("status", "meaning")
    search_fields = ("phrase", "answer")
    readonly_fields = ("version", "phrase", "meaning", "script", "answer", "status", "reason", "audio_check", "author")
