"""Staff calendars (Microsoft, Google or the local one), appointments, and events synced from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from customers.models import Customer
from issetter.encrypted_fields import EncryptedTextField
from issetter.models import Office


class CalendarAccount(models.Model):
    """One staff member's connected calendar. Tokens are encrypted at rest and never shown or logged."""

    class Provider(models.TextChoices):
        LOCAL = "local", "Local calendar"
        MICROSOFT = "microsoft", "Microsoft Outlook"
        GOOGLE = "google", "Google Calendar"

    class Status(models.TextChoices):
        CONNECTED = "connected", "Connected"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
        DISCONNECTED = "disconnected", "Disconnected"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="calendar_accounts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_accounts")
    provider = models.CharField(max_length=16, choices=Provider.choices, default=Provider.LOCAL)
    account_email = models.EmailField(blank=True)
    display_name = models.CharField(max_length=120, blank=True)
    calendar_id = models.CharField(max_length=255, blank=True, help_text="Provider calendar id; empty = primary.")
    time_zone = models.CharField(max_length=64, blank=True)
    token_data = EncryptedTextField(blank=True, help_text="msal token cache or Google refresh token (encrypted).")
    token_refresh_until = models.DateTimeField(
        null=True, blank=True, help_text="Set while one process refreshes the tokens: the others wait for it."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONNECTED)
    status_detail = models.CharField(max_length=255, blank=True)
    is_booking_target = models.BooleanField(default=True, help_text="The agent books into this calendar.")
    sync_cursor = models.TextField(blank=True, help_text="Delta link / sync token from the last sync.")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_booking_at = models.DateTimeField(
        null=True, blank=True, help_text="Written first by every booking: one booking at a time per calendar."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office", "user__email", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "provider", "account_email"], name="calendar_account_unique_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} — {self.account_email or self.user}"


class BookingPolicy(models.Model):
    """How an office's appointments are placed: length, buffers, notice, how far ahead, where they happen."""

    class Meeting(models.TextChoices):
        PHONE = "phone", "Phone call"
        ONLINE = "online", "Online meeting (Teams)"
        IN_PERSON = "in_person", "At the office"

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="booking_policy")
    appointment_minutes = models.PositiveSmallIntegerField(default=30, help_text="Unless the script says otherwise.")
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=10)
    minimum_notice_minutes = models.PositiveIntegerField(default=120)
    max_days_ahead = models.PositiveSmallIntegerField(default=14)
    slot_step_minutes = models.PositiveSmallIntegerField(default=30)
    meeting = models.CharField(max_length=16, choices=Meeting.choices, default=Meeting.PHONE)
    location = models.CharField(max_length=255, blank=True, help_text="Address or dial-in shown in the invitation.")

    def __str__(self) -> str:
        return f"Booking policy of {self.office}"


class Appointment(models.Model):
    """A meeting with a customer, booked by the agent on a call or by staff."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        NO_SHOW = "no_show", "No-show"

    class Source(models.TextChoices):
        AGENT = "agent", "Booked by the agent"
        STAFF = "staff", "Booked by staff"

    ACTIVE_STATUSES = (Status.BOOKED,)

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="appointments")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="appointments")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    calendar_account = models.ForeignKey(
        CalendarAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    appointment_type = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.AGENT)
    source_call_uuid = models.UUIDField(
        null=True, blank=True, unique=True, help_text="The call that booked it: one appointment per call."
    )
    provider_event_id = models.CharField(max_length=255, blank=True)
    provider_transaction_id = models.CharField(max_length=64, blank=True, help_text="Makes a retried create safe.")
    provider_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, help_text="The customer confirmed it (a call).")

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"),
            models.UniqueConstraint(
                fields=["calendar_account", "provider_transaction_id"],
                condition=~Q(provider_transaction_id=""),
                name="appointment_transaction_once",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "starts_at"]),
            models.Index(fields=["customer", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class SyncedEvent(models.Model):
    """An event read from a connected calendar: busy time for the slot finder and the week view."""

    account = models.ForeignKey(CalendarAccount, on_delete=models.CASCADE, related_name="synced_events")
    provider_event_id = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_all_day = models.BooleanField(default=False)
    shows_as_busy = models.BooleanField(default=True)
    is_cancelled = models.BooleanField(default=False)
    provider_updated_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "provider_event_id"], name="synced_event_once_per_account")
        ]
        indexes = [models.Index(fields=["account", "starts_at"])]

    def __str__(self) -> str:
        return self.subject or self.provider_event_id
