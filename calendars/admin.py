from django.contrib import admin

from calendars.models import Appointment, BookingPolicy, CalendarAccount, SyncedEvent
from issetter.admin_scoping import OfficeScopedAdmin


@admin.register(CalendarAccount)
class CalendarAccountAdmin(OfficeScopedAdmin):
    """Tokens are never shown: the encrypted token field is left out of every form."""

    list_display = ("user", "provider", "account_email", "status", "is_booking_target", "last_synced_at")
    list_filter = ("provider", "status")
    search_fields = ("user__email", "account_email")
    exclude = ("token_data", "sync_cursor")
    readonly_fields = ("user", "provider", "account_email", "status_detail", "last_synced_at", "created_at")
    supervisor_can_add = False  # staff connect their own calendars from the Calendar page

    def get_queryset(self, request):
        return super().get_queryset(request).defer("token_data")  # one bad key must not break the page


@admin.register(Appointment)
class AppointmentAdmin(OfficeScopedAdmin):
    list_display = ("starts_at", "customer", "title", "staff", "status", "source", "provider_event_id")
    list_filter = ("status", "source")
    search_fields = ("title", "customer__first_name", "customer__last_name", "customer__phone")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("customer",)
    readonly_fields = (
        "source_call_uuid",
        "provider_event_id",
        "provider_transaction_id",
        "created_at",
        "updated_at",
    )


@admin.register(SyncedEvent)
class SyncedEventAdmin(OfficeScopedAdmin):
    office_path = "account__office"
    list_display = ("starts_at", "ends_at", "subject", "account", "shows_as_busy", "is_all_day")
    list_filter = ("shows_as_busy", "is_all_day")
    search_fields = ("subject",)
    readonly_fields = ("account", "provider_event_id", "provider_updated_at", "synced_at")
    supervisor_can_add = False


@admin.register(BookingPolicy)
class BookingPolicyAdmin(OfficeScopedAdmin):
    """Length, buffers, notice and horizon of the office's appointments, and where they take place."""

    list_display = ("office", "appointment_minutes", "buffer_before_minutes", "buffer_after_minutes", "meeting")
