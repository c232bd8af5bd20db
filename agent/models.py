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


class Teaching(models.Model):
    """Staff teaching the agent what a phrase means ("count me out" = not interested), or how to answer it. Each
    is checked before it goes live (agent/teaching.py, agent/teaching_check.py): against the phrasing table, then
    the persona suite in text, then in audio in the background. Numbered per office: its versions."""

    class Meaning(models.TextChoices):
        OPT_OUT = "opt_out", "Stop calling me (opt-out)"
        YES = "yes", "Yes"
        NO = "no", "No"
        WRONG_PERSON = "wrong_person", "Wrong number / wrong person"
        NOT_INTERESTED = "not_interested", "Not interested"
        CALLBACK = "callback", "Call me back later"
        FIRST = "first", "The first time offered"
        SECOND = "second", "The second time offered"
        LAST = "last", "The last time offered"
        ANSWER = "answer", "A question: answer it with…"

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        LIVE = "live", "Live"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="teachings")
    version = models.PositiveIntegerField()
    phrase = models.CharField(max_length=200, help_text="As the callee says it (compared without case or punctuation).")
    meaning = models.CharField(max_length=16, choices=Meaning.choices)
    script = models.ForeignKey(
        "callscripts.Script", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="For an answer: the script that gives it.",
    )  # fmt: skip
    answer = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.TextField(blank=True, help_text="Why it was refused, or what the checks found.")
    audio_check = models.TextField(
        blank=True, help_text="What the check in audio found (the last before it goes live)."
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office", "-version"]
        constraints = [models.UniqueConstraint(fields=["office", "version"], name="teaching_version_unique")]

    def __str__(self) -> str:
        return f"v{self.version}: “{self.phrase}” = {self.get_meaning_display()} ({self.get_status_display()})"
