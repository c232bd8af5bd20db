"""Writes for calendars. (Connect, booking and sync grow here.)"""

from __future__ import annotations

from django.utils import timezone

from calendars.models import Appointment, CalendarAccount
from calendars.providers import CalendarError
from customers.services import customer_profile_record_appointments
from issetter.models import Office


def local_calendar_ensure(*, office: Office, user) -> CalendarAccount:
    """The user's local calendar (appointments kept only here): the embedded default booking target."""
    account, _ = CalendarAccount.objects.get_or_create(
        office=office,
        user=user,
        provider=CalendarAccount.Provider.LOCAL,
        account_email=user.email,
        defaults={"display_name": "Office calendar", "time_zone": office.time_zone},
    )
    return account


def customer_appointments_refresh(*, customer_id: int, now=None) -> None:
    """Bring the customer's next and last appointment in line with their bookings (safe to repeat)."""
    now = now or timezone.now()
    booked = Appointment.objects.filter(
        customer_id=customer_id, status__in=Appointment.ACTIVE_STATUSES + ("completed",)
    )
    upcoming = booked.filter(starts_at__gte=now).order_by("starts_at").values_list("starts_at", flat=True).first()
    past = booked.filter(starts_at__lt=now).order_by("-starts_at").values_list("starts_at", flat=True).first()
    customer_profile_record_appointments(
        customer_id=customer_id, next_appointment_at=upcoming, last_appointment_at=past
    )


def calendar_account_problem(*, account: CalendarAccount, problem: CalendarError) -> None:
    """Record a provider failure where staff see it: a revoked or expired grant marks the calendar
    "needs reconnecting" (nothing more is booked into it until it is connected again)."""
    if problem.reconnect:
        CalendarAccount.objects.filter(pk=account.pk).update(
            status=CalendarAccount.Status.NEEDS_RECONNECT, status_detail=str(problem)[:255]
        )
        account.status = CalendarAccount.Status.NEEDS_RECONNECT


def calendar_account_connect(
    *, office: Office, user, provider: str, token_data: str, email: str, name: str = "", time_zone: str = ""
) -> CalendarAccount:
    """Store a newly connected (or reconnected) calendar; it becomes the one the agent books into for this
    person. Reconnecting starts its sync afresh."""
    account, _ = CalendarAccount.objects.update_or_create(
        user=user,
        provider=provider,
        account_email=email,
        defaults={
            "office": office,
            "display_name": name or email,
            "token_data": token_data,
            "time_zone": time_zone or office.time_zone,
            "status": CalendarAccount.Status.CONNECTED,
            "status_detail": "",
            "sync_cursor": "",
            "is_booking_target": True,
        },
    )
    CalendarAccount.objects.filter(user=user).exclude(pk=account.pk).update(is_booking_target=False)
    return account


def calendar_account_disconnect(*, account: CalendarAccount) -> None:
    """Forget the tokens and the synced events; appointments booked into it stay."""
    account.synced_events.all().delete()
    CalendarAccount.objects.filter(pk=account.pk).update(
        status=CalendarAccount.Status.DISCONNECTED, token_data="", sync_cursor="", is_booking_target=False
    )


def booking_calendar_of(*, office: Office, user=None) -> CalendarAccount | None:
    """Where a booking goes: the person's chosen connected calendar, else any connected booking calendar of
    the office, else the person's (or the office's first member's) local calendar; None for an office
    with no members."""
    connected = CalendarAccount.objects.filter(
        office=office, is_booking_target=True, status=CalendarAccount.Status.CONNECTED
    ).select_related("office", "user")
    if user is None:
        chosen = connected.first()
        if chosen is not None:
            return chosen
        member = office.memberships.order_by("id").select_related("user").first()
        if member is None:
            return None  # an office with nobody in it has no calendar to book into
        user = member.user
    return connected.filter(user=user).first() or local_calendar_ensure(office=office, user=user)
