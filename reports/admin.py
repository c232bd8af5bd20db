from django.contrib import admin

from issetter.admin_scoping import OfficeScopedAdmin
from reports.models import CostSettings


@admin.register(CostSettings)
class CostSettingsAdmin(OfficeScopedAdmin):
    list_display = ("office", "currency", "trunk_cost_per_minute", "staff_hourly_cost", "kept_appointment_value")
