from django.contrib import admin

from agent.models import Feedback
from issetter.admin_scoping import OfficeScopedAdmin


@admin.register(Feedback)
class FeedbackAdmin(OfficeScopedAdmin):
    list_display = ("created_at", "call", "rating", "author", "comment")
    list_filter = ("rating",)
    search_fields = ("comment", "suggested_reply")
    autocomplete_fields = ("call", "turn")
