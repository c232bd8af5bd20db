"""A campaign: who to call (saved customer criteria, or a fixed list), with which script, on which days and
hours of the office's week, between which dates, how fast, and how to retry — run by the worker on its own
schedule (`calls.scheduled_dialing`), always inside the calling rules (`calls.compliance`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from customers.models import Customer
from issetter.models import Office
from issetter.time_defaults import five_pm, nine_am

WEEKDAY_LETTERS = "0123456"  # Monday … Sunday, as `datetime.weekday()` counts


class Campaign(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        FINISHED = "finished", "Finished"

    class Audience(models.TextChoices):
        CRITERIA = "criteria", "Everyone matching the criteria (new matches join)"
        FIXED = "fixed", "A fixed list (who matched when it was created)"

    OPEN_STATUSES = (Status.ACTIVE, Status.PAUSED)

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=120)
    script = models.ForeignKey("callscripts.Script", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.CRITERIA)
    criteria = models.CharField(
        max_length=1000, blank=True, help_text="The customer list's filters, as its query string (tag=renewal&…)."
    )
    customers = models.ManyToManyField(Customer, blank=True, related_name="+", help_text="The fixed list.")
    weekdays = models.CharField(max_length=7, default="01234", help_text="Calling days: 0 = Monday … 6 = Sunday.")
    start_time = models.TimeField(default=nine_am, help_text="In the office's time zone.")
    end_time = models.TimeField(default=five_pm, help_text="In the office's time zone.")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: until it is cancelled.")
    max_concurrent_calls = models.PositiveSmallIntegerField(default=3)
    calls_per_second = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    # Retries by outcome (they win over the office's dialing policy); empty: no retry after that outcome.
    retry_no_answer_minutes = models.PositiveIntegerField(null=True, blank=True, default=240)
    retry_busy_minutes = models.PositiveIntegerField(null=True, blank=True, default=30)
    retry_voicemail_days = models.PositiveSmallIntegerField(null=True, blank=True, default=None)
    retry_failed_minutes = models.PositiveIntegerField(null=True, blank=True, default=60)
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="Calls to one person in this campaign.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="campaign_hours_in_order"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="campaign_dates_in_order"
            ),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="campaign_attempts_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekday_names(self) -> list[str]:
        names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return [names[int(letter)] for letter in self.weekdays if letter in WEEKDAY_LETTERS]

    def is_open_at(self, moment: dt.datetime) -> bool:
        """Whether the campaign may dial at `moment` by its own days, hours and dates (office's zone); the
        calling rules still decide for each person."""
        local = moment.astimezone(self.office.zone)
        if self.status != self.Status.ACTIVE or local.date() < self.starts_on:
            return False
        if self.ends_on is not None and local.date() > self.ends_on:
            return False
        return str(local.weekday()) in self.weekdays and self.start_time <= local.time() < self.end_time
