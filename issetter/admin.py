from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError

from issetter.admin_login import ThrottledAdminLoginForm
from issetter.admin_scoping import OfficeScopedAdmin, OfficeScopedInline
from issetter.branding import logo_content_type
from issetter.models import (
    OFFICE_ACCESS_FIELDS,
    OFFICE_IDENTITY_FIELDS,
    OFFICE_LOOK_FIELDS,
    OFFICE_SETTINGS,
    Membership,
    Office,
    OfficeHours,
    User,
)
from issetter.services import membership_access_sync, office_logo_set

admin.site.login_form = ThrottledAdminLoginForm  # failed sign-ins count against the product's limit


@admin.register(User)
class AccountAdmin(UserAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff", "last_login")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)


class OfficeHoursInline(OfficeScopedInline):
    model = OfficeHours


class OfficeAdminForm(forms.ModelForm):
    logo_file = forms.FileField(
        label="Logo", required=False, help_text="PNG, JPEG, GIF or WebP, at most 256 KB (SVG is refused)."
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    class Meta:
        model = Office
        fields = ("slug", *OFFICE_SETTINGS)

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        data = upload.read()
        try:
            logo_content_type(data)
        except ValidationError as problem:
            raise ValidationError(problem.messages) from None
        return data


@admin.register(Office)
class OfficeAdmin(OfficeScopedAdmin):
    form = OfficeAdminForm
    office_path = "pk"
    fieldsets = (
        (None, {"fields": ("name", "slug", *OFFICE_IDENTITY_FIELDS[1:])}),
        ("Sign-in, calendars and alerts", {"fields": OFFICE_ACCESS_FIELDS}),
        ("Look", {"fields": (*OFFICE_LOOK_FIELDS, "logo_file", "remove_logo")}),
    )
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("logo_file"):
            office_logo_set(office=obj, data=form.cleaned_data["logo_file"])
        elif form.cleaned_data.get("remove_logo"):
            office_logo_set(office=obj, data=None)

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
