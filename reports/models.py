"""What an office's calls cost and what its bookings are worth: the assumptions behind the value report,
set per office and shown beside every figure they produce (reports/value.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from issetter.models import Office

MONEY = {"max_digits": 10, "decimal_places": 4, "validators": [MinValueValidator(Decimal(0))]}


class CostSettings(models.Model):
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="cost_settings")
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code, e.g. USD.")
    trunk_cost_per_minute = models.DecimalField(
        default=Decimal("0.0100"), help_text="What the phone line charges for a minute of a connected call.", **MONEY
    )
    trunk_billing_seconds = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="The trunk bills in steps of this many seconds (60: whole minutes, 6: tenths).",
    )
    voice_cost_per_hour = models.DecimalField(
        "voice host cost per hour of calls",
        default=Decimal("0"),
        help_text="The speech host (a GPU, or the CPU machine) for each hour the agent is on calls.",
        **MONEY,
    )
    voice_cost_per_call = models.DecimalField(
        "cost per call placed", default=Decimal("0"), help_text="Any charge per call, answered or not.", **MONEY
    )
    staff_hourly_cost = models.DecimalField(
        default=Decimal("30"), help_text="What an hour of a staff member's time costs the office.", **MONEY
    )
    staff_seconds_per_attempt = models.PositiveSmallIntegerField(
        default=30,
        help_text="Time a person spends on each call besides ringing and talking (finding the number, notes).",
    )
    kept_appointment_value = models.DecimalField(
        default=Decimal("150"), help_text="What an appointment that takes place is worth to the office.", **MONEY
    )
    show_rate_percent = models.PositiveSmallIntegerField(
        default=80, validators=[MaxValueValidator(100)], help_text="Share of booked appointments that take place."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cost settings"
        verbose_name_plural = "cost settings"

    def __str__(self) -> str:
        return f"Cost settings of {self.office}"
