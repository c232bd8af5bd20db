"""Alerts: something staff must know and act on — a promise to a customer that was not kept on time, a message
a caller we did not know left, a flagged call, calling paused by the safety check, a calendar that needs
reconnecting, a day of many more opt-outs than usual (calls/alert_sweep.py raises the last four). Shown on the
dashboard (and a customer's on their profile) until it is resolved
(the promise kept, or staff dismissed it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from customers.models import Customer
from issetter.models import Office


class Alert(models.Model):
    class Kind(models.TextChoices):
        PROMISE_MISSED = "promise_missed", "Promised callback not made on time"
        CALLER_MESSAGE = "caller_message", "A caller left a message"
        CALL_FLAGGED = "call_flagged", "A call was flagged"
        RUN_PAUSED = "run_paused", "Calling paused by the safety check"
        CALENDAR_RECONNECT = "calendar_reconnect", "A calendar needs reconnecting"
        OPT_OUT_SPIKE = "opt_out_spike", "Many more opt-outs than usual"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="alerts")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    queue_entry = models.ForeignKey(
        "calls.QueueEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=255, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    key = models.CharField(max_length=120, blank=True, help_text="What it is about (call:…, run:…): raised once.")
    link = models.CharField(max_length=255, blank=True, help_text="The page to act on (a path).")
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When staff were told by email / webhook.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One alert per missed promise, however many times the scheduler looks at it.
            models.UniqueConstraint(
                fields=["queue_entry", "kind"], condition=Q(queue_entry__isnull=False), name="alert_once_per_entry"
            ),
            # One alert per flagged call, paused run, calendar needing reconnection, day of many opt-outs.
            models.UniqueConstraint(fields=["office", "key"], condition=~Q(key=""), name="alert_once_per_key"),
        ]
        indexes = [models.Index(fields=["office", "resolved_at"])]

    def __str__(self) -> str:
        return self.message[:80]
