from django.contrib import admin

from customers.models import Customer, DoNotCallEntry, ImportBatch, Tag
from issetter.admin_scoping import OfficeScopedAdmin
from issetter.validators import validate_no_control_characters


@admin.register(Customer)
class CustomerAdmin(OfficeScopedAdmin):
    list_display = (
        "__str__",
        "phone",
        "email",
        "consent_status",
        "do_not_call",
        "last_contacted_at",
        "last_answered_at",
        "attempt_count",
        "last_outcome",
        "next_appointment_at",
    )
    list_filter = ("consent_status", "do_not_call", "last_outcome", "tags")
    search_fields = ("first_name", "last_name", "phone", "email")
    readonly_fields = (
        "last_contacted_at",
        "last_answered_at",
        "answered_count",
        "attempt_count",
        "last_outcome",
        "next_appointment_at",
        "last_appointment_at",
        "import_batch",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Names are spoken and sent to the phone switch: one line each (no line breaks or tabs)."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("first_name", "last_name"):
            field.validators = [*field.validators, validate_no_control_characters]
        return field


@admin.register(Tag)
class TagAdmin(OfficeScopedAdmin):
    list_display = ("name", "office")
    search_fields = ("name",)


@admin.register(DoNotCallEntry)
class DoNotCallEntryAdmin(OfficeScopedAdmin):
    list_display = ("phone", "source", "reason", "added_by", "created_at")
    list_filter = ("source",)
    search_fields = ("phone", "reason")
    readonly_fields = ("created_at",)


@admin.register(ImportBatch)
class ImportBatchAdmin(OfficeScopedAdmin):
    list_display = (
        "file_name",
        "status",
        "rows_total",
        "created_count",
        "updated_count",
        "duplicate_count",
        "invalid_count",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("status",)
    search_fields = ("file_name",)
    readonly_fields = (
        "status",
        "failure_reason",
        "rows_total",
        "rows_done",
        "created_count",
        "updated_count",
        "duplicate_count",
        "invalid_count",
        "problems",
        "created_at",
        "started_at",
        "finished_at",
    )
