"""Admin for supervisors: each model admin shows and edits only the supervisor's own office.

Superusers see everything. A supervisor (Membership.role == supervisor, is_staff) gets full rights on
their office's rows. Every model admin names the lookup from its model to the Office (`office_path`);
that one path limits the changelist, foreign-key choices (in forms, inlines and autocomplete), and
relation filters. `office` itself stays in the form as a hidden, required field whose only choice is the
supervisor's office, so the database's per-office unique rules are checked as form errors and a row
shared by every office (an empty office, where the model allows it) is left to superusers.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet

from issetter.models import Office
from issetter.tenancy import membership_of


def supervised_office(request) -> Office | None:
    membership = membership_of(request.user)
    if membership is None or not membership.is_supervisor or not request.user.is_staff:
        return None
    return membership.office


def office_path_of(model: type[Model]) -> str | None:
    """The lookup from `model` to its Office, as its model admin declares it (None: not office data)."""
    if model is Office:
        return "pk"
    if model is get_user_model():
        return "membership__office"
    model_admin = admin.site._registry.get(model)
    return getattr(model_admin, "office_path", None)


def scoped(queryset: QuerySet, office: Office | None) -> QuerySet:
    """`queryset` limited to `office`; nothing when there is no office or no known path to one."""
    path = office_path_of(queryset.model)
    if office is None or path is None:
        return queryset.none()
    return queryset.filter(**{path: office.pk})


class OfficeScopedFormFieldsMixin:
    def _scope_relation(self, db_field, request, kwargs) -> None:
        if request.user.is_superuser:
            return
        office = supervised_office(request)
        kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(), office)
        if db_field.name == "office" and db_field.related_model is Office:
            kwargs["widget"] = forms.HiddenInput
            kwargs["initial"] = office.pk if office else None
            kwargs["required"] = True  # rows for every office (office left empty) are for superusers only

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._scope_relation(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_relation(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OfficeScopedAdmin(OfficeScopedFormFieldsMixin, admin.ModelAdmin):
    office_path = "office"  # lookup from this model to its Office
    supervisor_can_add = True
    supervisor_can_delete = True

    def _office(self, request) -> Office | None:
        return supervised_office(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else scoped(queryset, self._office(request))

    def get_changeform_initial_data(self, request):
        """A supervisor's new row starts in their office (the hidden office field carries it)."""
        initial = super().get_changeform_initial_data(request)
        office = None if request.user.is_superuser else self._office(request)
        if office is not None and self.office_path == "office":
            initial["office"] = office.pk
        return initial

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

    def get_list_filter(self, request):
        """Relation filters list only what the supervisor's own rows point at (no other office's names)."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        relation_types = (ForeignKey, ManyToManyField)
        return [
            (name, admin.RelatedOnlyFieldListFilter)
            if isinstance(name, str) and isinstance(self.model._meta.get_field(name), relation_types)
            else name
            for name in filters
        ]


class OfficeScopedInline(OfficeScopedFormFieldsMixin, admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or supervised_office(request) is not None

    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def has_add_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)
