"""How staff teach the agent: feedback on calls (what it says is a call script, callscripts/models.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from calls.models import Call, Turn
from issetter.models import Office


class Feedback(models.Model):
    """Staff's judgement of a call (or one turn of it), for improving scripts and the agent."""

    class Rating(models.TextChoices):
        GOOD = "good", "Good"
        BAD = "bad", "Needs work"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="feedback")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="feedback")
    turn = models.ForeignKey(Turn, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    rating = models.CharField(max_length=8, choices=Rating.choices)
    comment = models.TextField(blank=True)
    suggested_reply = models.TextField(blank=True, help_text="What the agent should have said.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on {self.call_id}"
