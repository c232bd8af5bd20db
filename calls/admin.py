from django.contrib import admin

from calls.alert_models import Alert
from calls.call_events import EVENT_FIELDS
from calls.campaign_models import Campaign
from calls.models import Call, CallEvent, CallingRule, DialingPolicy, DialRun, OfficeHoliday, QueueEntry, Turn
from issetter.admin_scoping import OfficeScopedAdmin, OfficeScopedInline


@admin.register(DialingPolicy)
class DialingPolicyAdmin(OfficeScopedAdmin):
    list_display = (
        "office",
        "max_concurrent_calls",
        "calls_per_second",
        "ring_timeout_seconds",
        "required_consent",
    )
    supervisor_can_delete = False

    def has_add_permission(self, request):
        office = self._office(request)
        if office is not None and DialingPolicy.objects.filter(office=office).exists():
            return request.user.is_superuser  # one policy per office: supervisors edit theirs
        return super().has_add_permission(request)


@admin.register(CallingRule)
class CallingRuleAdmin(OfficeScopedAdmin):
    """Office rules are editable by supervisors; rules shared by all offices (no office) by superusers."""

    list_display = (
        "jurisdiction",
        "weekday",
        "calls_allowed",
        "start_local",
        "end_local",
        "office",
        "verified_on",
    )
    list_filter = ("jurisdiction", "calls_allowed")
    search_fields = ("jurisdiction", "source_citation")


@admin.register(OfficeHoliday)
class OfficeHolidayAdmin(OfficeScopedAdmin):
    list_display = ("date", "name", "office")
    date_hierarchy = "date"


@admin.register(DialRun)
class DialRunAdmin(OfficeScopedAdmin):
    list_display = ("pk", "status", "status_reason", "script", "started_by", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("status_reason", "script__name")
    readonly_fields = ("created_at", "finished_at")


@admin.register(QueueEntry)
class QueueEntryAdmin(OfficeScopedAdmin):
    list_display = ("customer", "status", "reason", "priority", "due_at", "skip_reason", "created_at")
    list_filter = ("status", "reason")
    search_fields = ("customer__first_name", "customer__last_name", "customer__phone")
    autocomplete_fields = ("customer", "dial_run")


class CallEventInline(OfficeScopedInline):
    model = CallEvent
    fields = ("name", "subclass", "sequence", "occurred_at", "received_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TurnInline(OfficeScopedInline):
    model = Turn
    fields = ("index", "speaker", "text", "started_ms", "ended_ms", "confidence")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


# What staff may change on a call record: their own flag on it. Every other field an event may change is read-only.
STAFF_MARKS = ("flagged", "flag_reason")


@admin.register(Call)
class CallAdmin(OfficeScopedAdmin):
    """Calls are records: the switch's data (CDR, causes, times) is read-only; staff may flag them."""

    list_display = (
        "created_at",
        "customer",
        "to_number",
        "status",
        "outcome",
        "answered_by",
        "billsec",
        "flagged",
    )
    list_filter = ("direction", "status", "outcome", "answered_by", "flagged")
    search_fields = ("uuid", "to_number", "customer__first_name", "customer__last_name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "direction",
        "customer",
        "dial_run",
        "queue_entry",
        "script",
        "uuid",
        "to_number",
        "from_number",
        "job_uuid",
        "created_at",
        *(field for field in EVENT_FIELDS if field not in STAFF_MARKS),
        "voicemail_message",
        "recording",
    )
    inlines = [TurnInline, CallEventInline]
    supervisor_can_add = False
    supervisor_can_delete = False


@admin.register(CallEvent)
class CallEventAdmin(OfficeScopedAdmin):
    office_path = "call__office"
    list_display = ("name", "subclass", "call", "sequence", "occurred_at", "received_at")
    list_filter = ("name",)
    search_fields = ("call__uuid", "name", "subclass")
    readonly_fields = (
        "call",
        "name",
        "subclass",
        "sequence",
        "occurred_at",
        "received_at",
        "headers",
        "body",
    )
    supervisor_can_add = False
    supervisor_can_delete = False


@admin.register(Turn)
class TurnAdmin(OfficeScopedAdmin):
    office_path = "call__office"
    list_display = ("call", "index", "speaker", "text", "confidence")
    list_filter = ("speaker",)
    search_fields = ("text", "call__uuid")
    readonly_fields = (
        "call",
        "index",
        "speaker",
        "text",
        "started_ms",
        "ended_ms",
        "confidence",
        "created_at",
    )
    supervisor_can_add = False
    supervisor_can_delete = False


@admin.register(Campaign)
class CampaignAdmin(OfficeScopedAdmin):
    list_display = ("name", "status", "starts_on", "ends_on", "start_time", "end_time", "created_at")
    list_filter = ("status", "audience")
    search_fields = ("name", "criteria")
    exclude = ("customers",)  # the fixed list is made from the criteria when the campaign is created
    readonly_fields = ("created_by", "created_at", "finished_at")


@admin.register(Alert)
class AlertAdmin(OfficeScopedAdmin):
    list_display = ("created_at", "kind", "message", "resolved_at")
    list_filter = ("kind",)
    search_fields = ("message",)
    readonly_fields = ("customer", "call", "queue_entry", "kind", "message", "created_at", "resolved_by")
