"""Office scoping for every request: `request.office` is the signed-in user's office.

Views fetch objects through `get_for_office`, so another office's object is a 404, never a leak.
A signed-in user with no office sees one page telling them to ask for an invitation.
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from issetter.models import Membership, Office

# Paths a signed-in person without an office may still use (sign out, account settings, admin).
OFFICE_EXEMPT_PREFIXES = ("/accounts/", "/admin/", "/static/", "/healthz")


def office_of(user) -> Office | None:
    membership = membership_of(user)
    return membership.office if membership else None


def membership_of(user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    # the logo's bytes are read only by the page that serves it
    return Membership.objects.select_related("office").defer("office__logo").filter(user=user).first()


class OfficeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.membership = membership_of(request.user)
        request.office = request.membership.office if request.membership else None
        if request.office is not None:
            timezone.activate(request.office.zone)  # pages show times in the office's zone
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.office is not None or not request.user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True) or request.path.startswith(OFFICE_EXEMPT_PREFIXES):
            return None
        return render(request, "no_office.html", status=403)


def get_for_office(queryset: QuerySet | type[Model], office: Office, *, office_path: str = "office", **lookup):
    """The object matching `lookup` inside `office`, or Http404 (also for other offices' objects)."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    return get_object_or_404(queryset.filter(**{office_path: office}), **lookup)
