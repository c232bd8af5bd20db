"""Alerts: something staff must know and act on — a promise to a customer that was not kept on time, a message
a caller we did not know left. Shown on the dashboard (and a customer's on their profile) until it is resolved
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

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One alert per missed promise, however many times the scheduler looks at it.
            models.UniqueConstraint(
                fields=["queue_entry", "kind"], condition=Q(queue_entry__isnull=False), name="alert_once_per_entry"
            )
        ]
        indexes = [models.Index(fields=["office", "resolved_at"])]

    def __str__(self) -> str:
        return self.message[:80]
