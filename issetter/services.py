"""Writes for offices and their people."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from issetter.models import Membership, Office, OfficeHours

WEEKDAYS_9_TO_5 = tuple((day, dt.time(9, 0), dt.time(17, 0)) for day in range(5))


@transaction.atomic
def office_ensure(
    *,
    slug: str,
    name: str,
    caller_id_number: str,
    callback_number: str,
    time_zone: str = "America/New_York",
    hours: tuple[tuple[int, dt.time, dt.time], ...] = WEEKDAYS_9_TO_5,
) -> tuple[Office, bool]:
    """The office with this slug, created (with its opening hours) if it does not exist yet."""
    office, created = Office.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "caller_id_number": caller_id_number,
            "callback_number": callback_number,
            "time_zone": time_zone,
        },
    )
    if created:
        for field in ("caller_id_number", "callback_number", "time_zone"):
            office._meta.get_field(field).run_validators(getattr(office, field))
        OfficeHours.objects.bulk_create(
            OfficeHours(office=office, weekday=day, opens=opens, closes=closes) for day, opens, closes in hours
        )
    return office, created


@transaction.atomic
def member_ensure(*, office: Office, email: str, role: str = Membership.Role.STAFF, password: str | None = None):
    """The user with this email as a member of `office` (created without a usable password unless given).

    Supervisors get admin access (is_staff); the admin then shows them their own office only.
    Returns (user, created). A user who belongs to another office is refused.
    """
    email = email.strip().lower()
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(email=email, defaults={"username": email})
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
    if not created and _has_unverified_self_signup(user):
        raise ValueError(f"{email} registered themselves and has not verified the address; verify it first")
    membership = Membership.objects.filter(user=user).first()
    if membership and membership.office_id != office.pk:
        raise ValueError(f"{email} already belongs to another office")
    if membership is None:
        membership = Membership.objects.create(user=user, office=office, role=role)
    elif membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    user.save()
    membership_access_sync(membership=membership)
    _allauth_email_ensure(user)
    return user, created


def membership_access_sync(*, membership: Membership) -> None:
    """Supervisors get the admin (is_staff); staff do not. Superusers keep theirs."""
    user = membership.user
    should_be_staff = user.is_superuser or membership.is_supervisor
    if user.is_staff != should_be_staff:
        user.is_staff = should_be_staff
        user.save(update_fields=["is_staff"])


def _has_unverified_self_signup(user) -> bool:
    """An account made through open sign-up whose address nobody has proven (allauth records it unverified)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=False).exists()


def _allauth_email_ensure(user) -> None:
    """Record the address with allauth, so Microsoft/Google sign-in with that email finds this account."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": True})


def office_logo_set(*, office: Office, data: bytes | None) -> None:
    """Replace the office's logo (raster images only: issetter/branding.py says why), or remove it with None."""
    from issetter.branding import logo_content_type

    content_type = logo_content_type(data) if data is not None else ""
    Office.objects.filter(pk=office.pk).update(logo=data, logo_content_type=content_type)
    office.logo, office.logo_content_type = data, content_type
