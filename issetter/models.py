"""The tenant: an Office with its staff. Every domain row belongs to exactly one office."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from issetter.branding import DEFAULT_ACCENT, validate_accent_colour
from issetter.time_defaults import five_pm, nine_am
from issetter.validators import (
    validate_e164,
    validate_no_control_characters,
    validate_tenant_id,
    validate_time_zone,
)


class User(AbstractUser):
    """A person who signs in (by email). Which office they work for is their Membership."""

    email = models.EmailField("email address", unique=True)

    def __str__(self) -> str:
        return self.email or self.username


class SignInPolicy(models.TextChoices):
    ANY = "any", "Any way this installation offers"
    PASSWORD = "password", "Email and password only"
    MICROSOFT = "microsoft", "Microsoft only"
    GOOGLE = "google", "Google only"


class CalendarPolicy(models.TextChoices):
    ANY = "any", "Outlook, Google or the local calendar"
    MICROSOFT = "microsoft", "Microsoft Outlook only"
    GOOGLE = "google", "Google Calendar only"
    LOCAL = "local", "The local calendar only"


class Office(models.Model):
    """A licensed office (agency, practice, branch): the unit of tenancy.

    `name` is what the agent says on calls and in voicemails ("calling from {name} office");
    `legal_name` is the registered business name the calling rules require the agent to state.
    """

    slug = models.SlugField(unique=True, help_text="Short id used by commands, e.g. --office demo.")
    name = models.CharField(
        max_length=120, validators=[validate_no_control_characters], help_text="Spoken in scripts and voicemails."
    )
    legal_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_no_control_characters],
        help_text="Registered business name, if different.",
    )
    caller_id_number = models.CharField(
        max_length=16, validators=[validate_e164], help_text="Number shown to the people we call (E.164)."
    )
    callback_number = models.CharField(
        max_length=16,
        validators=[validate_e164],
        help_text="Number read out in voicemails for call-backs (E.164).",
    )
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    phone_region = models.CharField(
        max_length=2, default="US", help_text="Region used to read local numbers in imports (ISO 3166 code)."
    )
    sign_in_with = models.CharField(
        max_length=16,
        choices=SignInPolicy.choices,
        default=SignInPolicy.ANY,
        help_text="How its staff may sign in; another way is refused.",
    )
    calendars_with = models.CharField(
        max_length=16,
        choices=CalendarPolicy.choices,
        default=CalendarPolicy.ANY,
        help_text="Which calendars its staff may connect; another provider is refused.",
    )
    entra_tenant_id = models.CharField(
        "Microsoft Entra tenant",
        max_length=36,
        blank=True,
        validators=[validate_tenant_id],
        help_text="Directory (tenant) ID: Microsoft sign-ins and calendars from another organisation are refused.",
    )
    alert_webhook_url = models.URLField(
        blank=True, help_text="Also send each alert here (a JSON POST), e.g. a chat channel's incoming webhook."
    )
    accent_colour = models.CharField(
        max_length=7, default=DEFAULT_ACCENT, validators=[validate_accent_colour], help_text="e.g. #1f5fae"
    )
    logo = models.BinaryField(null=True, blank=True, editable=False)
    logo_content_type = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def spoken_legal_name(self) -> str:
        return self.legal_name or self.name


# What an office's people set about it (not its slug, which commands name it by), in the admin's groups; the
# office template (offices/) carries the same.
OFFICE_IDENTITY_FIELDS = ("name", "legal_name", "caller_id_number", "callback_number", "time_zone", "phone_region")
OFFICE_ACCESS_FIELDS = ("sign_in_with", "calendars_with", "entra_tenant_id", "alert_webhook_url")
OFFICE_LOOK_FIELDS = ("accent_colour",)
OFFICE_SETTINGS = OFFICE_IDENTITY_FIELDS + OFFICE_ACCESS_FIELDS + OFFICE_LOOK_FIELDS


class OfficeHours(models.Model):
    """One opening period on one weekday, in the office's time zone (several rows allow a lunch break)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField(default=nine_am)
    closes = models.TimeField(default=five_pm)

    class Meta:
        ordering = ["office", "weekday", "opens"]
        verbose_name_plural = "office hours"
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="office_hours_closes_after_opens"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Membership(models.Model):
    """A user's place in one office. Supervisors also manage the office in the admin."""

    class Role(models.TextChoices):
        STAFF = "staff", "Staff"
        SUPERVISOR = "supervisor", "Supervisor"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.office}"

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR


class LiveMessage(models.Model):
    """A live-page fragment on its way to an office's open pages, when no cross-process channel layer
    exists (the embedded default: other processes write here, the web process relays; issetter/live_relay)."""

    office_id = models.PositiveIntegerField(db_index=True)
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Live message {self.pk} for office {self.office_id}"
