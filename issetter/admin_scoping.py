"""Admin for supervisors: each model admin shows and edits only the supervisor's own office.

Superusers see everything. A supervisor (Membership.role == supervisor, is_staff) gets full rights on
their office's rows; new rows are put in their office; foreign-key choices are limited to it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

from issetter.tenancy import membership_of


def supervised_office(request):
    membership = membership_of(request.user)
    if membership is None or not membership.is_supervisor or not request.user.is_staff:
        return None
    return membership.office


class OfficeScopedAdmin(admin.ModelAdmin):
    office_path = "office"  # lookup from this model to its Office
    supervisor_can_add = True
    supervisor_can_delete = True

    def _office(self, request):
        return supervised_office(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        office = self._office(request)
        if office is None:
            return queryset.none()
        return queryset.filter(**{self.office_path: office})

    def has_module_permission(self, request):
        return request.user.is_superuser or self._office(request) is not None

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or (self.supervisor_can_add and self._office(request) is not None)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser or (self.supervisor_can_delete and self._office(request) is not None)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.office_path == "office":
            exclude.append("office")
        return exclude

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and self.office_path == "office" and not change:
            obj.office = self._office(request)
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _limit_choices(self, db_field, request, kwargs) -> None:
        if request.user.is_superuser:
            return
        office = self._office(request)
        related = db_field.related_model
        if related is get_user_model():
            kwargs["queryset"] = related.objects.filter(membership__office=office)
            return
        try:
            related._meta.get_field("office")
        except FieldDoesNotExist:
            return
        kwargs["queryset"] = related._default_manager.filter(office=office)


class OfficeScopedInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or supervised_office(request) is not None

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)
