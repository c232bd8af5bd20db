from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from issetter.admin_login import ThrottledAdminLoginForm
from issetter.admin_scoping import OfficeScopedAdmin, OfficeScopedInline
from issetter.models import Membership, Office, OfficeHours, User
from issetter.services import membership_access_sync

admin.site.login_form = ThrottledAdminLoginForm  # failed sign-ins count against the product's limit


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)


class OfficeHoursInline(OfficeScopedInline):
    model = OfficeHours


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    office_path = "pk"
    supervisor_can_add = False
    supervisor_can_delete = False
    list_display = ("name", "slug", "caller_id_number", "callback_number", "time_zone", "created_at")
    search_fields = ("name", "slug", "legal_name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OfficeHoursInline]

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        office = self._office(request)
        return queryset.filter(pk=office.pk) if office else queryset.none()

    def get_readonly_fields(self, request, obj=None):
        return () if request.user.is_superuser else ("slug",)

    def get_prepopulated_fields(self, request, obj=None):
        """The slug is filled from the name only where it is editable (a read-only slug is not in the form)."""
        return self.prepopulated_fields if request.user.is_superuser else {}


@admin.register(Membership)
class MembershipAdmin(OfficeScopedAdmin):
    list_display = ("user", "office", "role", "created_at")
    list_filter = ("role", "office")
    search_fields = ("user__email", "office__name")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        membership_access_sync(membership=obj)


@admin.register(OfficeHours)
class OfficeHoursAdmin(OfficeScopedAdmin):
    list_display = ("office", "weekday", "opens", "closes")
    list_filter = ("weekday",)
