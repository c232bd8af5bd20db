"""Dialing: the office's policy and calling rules, runs, the queue, and every call with its events,
CDR and transcript. A Call's primary key is the FreeSWITCH origination_uuid."""

from __future__ import annotations

import calendar
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from calls.alert_models import Alert  # noqa: F401  (a model of this app, in a module of its own)
from calls.campaign_models import Campaign
from calls.hangup_causes import hangup_cause_words
from customers.models import ConsentStatus, Customer
from issetter.models import Office
from issetter.time_defaults import eight_am, nine_pm


class DialingPolicy(models.Model):
    """How hard and how often an office dials (one row per office; defaults are conservative)."""

    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="dialing_policy")
    max_concurrent_calls = models.PositiveSmallIntegerField(default=5)
    calls_per_second = models.DecimalField(max_digits=4, decimal_places=2, default=1)
    ring_timeout_seconds = models.PositiveSmallIntegerField(default=25, help_text="At least 15 (calling rules).")
    max_call_seconds = models.PositiveIntegerField(default=600, help_text="Longer calls are hung up and flagged.")
    required_consent = models.CharField(
        max_length=16,
        choices=[
            (ConsentStatus.EXPRESS, "Express consent"),
            (ConsentStatus.EXPRESS_WRITTEN, "Express written"),
        ],
        default=ConsentStatus.EXPRESS,
    )
    retry_no_answer_minutes = models.PositiveIntegerField(default=120, help_text="No answer or busy: retry after.")
    max_attempts = models.PositiveSmallIntegerField(default=3, help_text="No answer or busy: give up after.")
    voicemail_cooldown_days = models.PositiveSmallIntegerField(default=7)
    retry_failed_once = models.BooleanField(default=True)
    reminder_hours_before = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Call each customer this many hours before their appointment; empty: no."
    )
    max_attempts_per_day = models.PositiveSmallIntegerField(default=2)
    max_attempts_per_week = models.PositiveSmallIntegerField(default=5)
    min_minutes_between_attempts = models.PositiveIntegerField(default=60)
    failure_rate_pause_percent = models.PositiveSmallIntegerField(
        default=50, help_text="Pause a run when this share of its last 20 calls failed."
    )

    class Meta:
        verbose_name_plural = "dialing policies"
        constraints = [
            models.CheckConstraint(condition=Q(ring_timeout_seconds__gte=15), name="ring_timeout_at_least_15s"),
        ]

    def __str__(self) -> str:
        return f"Dialing policy of {self.office}"


class CallingRule(models.Model):
    """A calling-hours rule as data: the federal default, a state's stricter window, or an office's own.

    Rules with no office apply to every office. Times are local to the person called. A rule with
    `calls_allowed=False` forbids the weekday entirely (e.g. no Sunday calls).
    """

    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE, related_name="calling_rules")
    jurisdiction = models.CharField(max_length=8, default="US", help_text="US for federal, or a state code (FL).")
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, help_text="0=Monday … 6=Sunday; empty = all.")
    calls_allowed = models.BooleanField(default=True)
    start_local = models.TimeField(default=eight_am)
    end_local = models.TimeField(default=nine_pm)
    max_calls_per_24h = models.PositiveSmallIntegerField(null=True, blank=True)
    source_citation = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    verified_on = models.DateField(null=True, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction", "weekday", "start_local"]

    def __str__(self) -> str:
        day = "every day" if self.weekday is None else f"weekday {self.weekday}"
        window = f"{self.start_local:%H:%M}–{self.end_local:%H:%M}" if self.calls_allowed else "no calls"
        return f"{self.jurisdiction} {day}: {window}"

    @property
    def weekday_name(self) -> str:
        return "every day" if self.weekday is None else calendar.day_name[self.weekday]


class OfficeHoliday(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="holiday_unique_per_office")]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class DialRun(models.Model):
    """One press of "Call queued" (or one `manage.py dial`), one stretch of a campaign's calling hours, or the
    scheduler keeping the office's promises (callbacks and retries at their time): the calls it placed."""

    class Kind(models.TextChoices):
        MANUAL = "manual", "Started by staff"  # the office's queue, campaigns' people aside
        PROMISES = "promises", "Callbacks and retries at their time"  # started by the scheduler
        CAMPAIGN = "campaign", "Campaign"  # the campaign's people, inside its days and hours

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"  # could not start or lost its worker: the reason says why

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="dial_runs")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MANUAL)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    script = models.ForeignKey("callscripts.Script", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    variant_script = models.ForeignKey(
        "callscripts.Script", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="A script test: half the run's people (by customer) hear this one instead.",
    )  # fmt: skip
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    status_reason = models.CharField(max_length=255, blank=True, help_text="Why it paused or stopped.")
    call_limit = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Signs of life for the watchdog (calls.run_watch): when a task was last queued to drive the run, when a
    # driver last stepped it, and how often the watchdog had to queue it again since it was last driven.
    handed_at = models.DateTimeField(null=True, blank=True)
    driven_at = models.DateTimeField(null=True, blank=True)
    rescues = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.get_status_display()})"

    def script_for(self, customer_id: int):
        """The script a customer hears in this run: in a script test, half of them (by id) hear the variant."""
        return self.variant_script if self.variant_script_id and customer_id % 2 else self.script


class QueueEntry(models.Model):
    """A customer waiting to be called. A customer has at most one open entry (waiting or calling)."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        CALLING = "calling", "Calling"
        DONE = "done", "Done"
        REMOVED = "removed", "Removed"
        BLOCKED = "blocked", "Blocked"

    class Reason(models.TextChoices):
        MANUAL = "manual", "Queued by staff"
        RETRY = "retry", "Retry"
        CALLBACK = "callback", "Callback requested"
        REMINDER = "reminder", "Appointment reminder"

    OPEN_STATUSES = (Status.WAITING, Status.CALLING)
    PROMISED_REASONS = (Reason.CALLBACK, Reason.RETRY, Reason.REMINDER)  # dialed at their time by the scheduler

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="queue_entries")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="queue_entries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    reason = models.CharField(max_length=16, choices=Reason.choices, default=Reason.MANUAL)
    priority = models.SmallIntegerField(default=0, help_text="Higher is called first.")
    due_at = models.DateTimeField(null=True, blank=True, help_text="Not before this time (retries, callbacks).")
    promised_for = models.DateTimeField(
        null=True, blank=True, help_text="A callback: the time promised to the person (due_at may move later)."
    )
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries")
    appointment = models.ForeignKey(
        "calendars.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )  # a reminder call: the appointment it is about
    note = models.CharField(max_length=255, blank=True)
    skip_reason = models.CharField(max_length=255, blank=True, help_text="Why the calling rules held it back.")
    skipped_at = models.DateTimeField(null=True, blank=True)
    dial_run = models.ForeignKey(DialRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "created_at", "id"]
        verbose_name_plural = "queue entries"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["waiting", "calling"]),
                name="one_open_queue_entry",
            )
        ]
        indexes = [models.Index(fields=["office", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.customer} ({self.get_status_display()})"


class Call(models.Model):
    """One attempt to reach a customer, from origination to the CDR and transcript."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        DIALING = "dialing", "Dialing"
        RINGING = "ringing", "Ringing"
        ANSWERED = "answered", "Answered"
        ENDED = "ended", "Ended"

    class Outcome(models.TextChoices):
        BOOKED = "booked", "Booked"
        CALLBACK = "callback", "Callback scheduled"
        DECLINED = "declined", "Declined"
        WRONG_PERSON = "wrong_person", "Wrong person"
        TRANSFERRED = "transferred", "Transferred"
        DO_NOT_CALL = "do_not_call", "Asked not to be called"
        HUNG_UP = "hung_up", "Hung up"
        VOICEMAIL_LEFT = "voicemail_left", "Voicemail left"
        APPOINTMENT_CONFIRMED = "appointment_confirmed", "Appointment confirmed"
        RESCHEDULED = "rescheduled", "Appointment moved"
        APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled"
        MESSAGE_TAKEN = "message_taken", "Message taken"  # an inbound caller we did not know left a message
        NO_ANSWER = "no_answer", "No answer"
        BUSY = "busy", "Busy"
        FAILED = "failed", "Failed"

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "We called"
        INBOUND = "inbound", "They called us"

    class AnsweredBy(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        HUMAN = "human", "Person"
        MACHINE = "machine", "Answering machine"

    class AgentStatus(models.TextChoices):
        """What the AI agent is doing on the call right now (shown live); blank when no agent is on it."""

        LISTENING = "listening", "Agent listening"
        THINKING = "thinking", "Agent thinking"
        SPEAKING = "speaking", "Agent speaking"
        VOICEMAIL = "voicemail", "Leaving voicemail"

    FINAL_STATUSES = (Status.ENDED,)

    uuid = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, help_text="= origination_uuid")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="calls")
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.OUTBOUND)
    # Keeps call records; empty for a caller we do not know (yet).
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.RESTRICT, related_name="calls")
    dial_run = models.ForeignKey(DialRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    queue_entry = models.ForeignKey(QueueEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")
    script = models.ForeignKey("callscripts.Script", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_number = models.CharField(max_length=16)
    from_number = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    job_uuid = models.CharField(max_length=64, blank=True, help_text="bgapi Job-UUID of the originate.")
    created_at = models.DateTimeField(auto_now_add=True)
    originated_at = models.DateTimeField(null=True, blank=True)
    ringing_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    hangup_cause = models.CharField(max_length=64, blank=True)
    hangup_cause_q850 = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Hangup − created (CDR).")
    billsec = models.PositiveIntegerField(null=True, blank=True, help_text="Hangup − answer (CDR).")
    cdr = models.JSONField(default=dict, blank=True, help_text="Every channel variable at hangup.")
    answered_by = models.CharField(max_length=16, choices=AnsweredBy.choices, default=AnsweredBy.UNKNOWN)
    beep_detected_at = models.DateTimeField(null=True, blank=True)
    voicemail_message = models.TextField(blank=True, help_text="What the agent said to the machine.")
    recording = models.CharField(
        max_length=255, blank=True, help_text="The call's audio (WAV), a path inside RECORDINGS_DIR."
    )
    agent_status = models.CharField(
        max_length=16,
        choices=AgentStatus.choices,
        blank=True,
        help_text="What the agent is doing right now; cleared when the call ends.",
    )
    summary = models.TextField(blank=True)
    summary_facts = models.JSONField(
        default=dict, blank=True, help_text="who, outcome, times_discussed, objections, follow_up, mood (call_summary)"
    )
    reviewed_outcome = models.CharField(
        max_length=24, choices=Outcome.choices, blank=True, help_text="Staff's correction; `outcome` keeps the agent's."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Nobody is dialled twice at once: one unfinished outbound call per customer (they may call us
            # meanwhile: an inbound call may overlap it).
            models.UniqueConstraint(
                fields=["customer"], condition=~Q(status="ended") & Q(direction="outbound"), name="one_unfinished_call"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "created_at"]),
            models.Index(fields=["office", "status"]),
            models.Index(fields=["customer", "created_at"]),
            # Reconciliation after a reconnect scans unfinished calls of every office.
            models.Index(fields=["status"], condition=~Q(status="ended"), name="call_unfinished_idx"),
        ]

    def __str__(self) -> str:
        return f"Call to {self.to_number} ({self.get_status_display()})"

    @property
    def final_outcome(self) -> str:
        """What the call came to: staff's correction when there is one, else the agent's outcome."""
        return self.reviewed_outcome or self.outcome

    @property
    def hangup_cause_words(self) -> str:
        return hangup_cause_words(self.hangup_cause)


class CallEvent(models.Model):
    """One switch event about a call, kept whole. (call, name, sequence) makes replays harmless."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=64, help_text="Event-Name, e.g. CHANNEL_ANSWER.")
    subclass = models.CharField(max_length=64, blank=True, help_text="Event-Subclass of CUSTOM events.")
    sequence = models.BigIntegerField(null=True, blank=True, help_text="Event-Sequence from the switch.")
    occurred_at = models.DateTimeField(null=True, blank=True, help_text="Event-Date-Timestamp.")
    received_at = models.DateTimeField(auto_now_add=True)
    headers = models.JSONField(default=dict)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["call", "occurred_at", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "name", "sequence"],
                condition=Q(sequence__isnull=False),
                name="call_event_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.subclass}".strip()


class Turn(models.Model):
    """One line of the transcript: who spoke, what was understood, when (ms from answer)."""

    class Speaker(models.TextChoices):
        AGENT = "agent", "Agent"
        CALLEE = "callee", "Callee"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=8, choices=Speaker.choices)
    text = models.TextField()
    started_ms = models.PositiveIntegerField(null=True, blank=True)
    ended_ms = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True, help_text="ASR confidence 0–1 (callee turns).")
    understood = models.CharField(
        max_length=120, blank=True, help_text='How the agent understood a callee turn: "choose (thursday, 14:00)".'
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "index"]
        constraints = [models.UniqueConstraint(fields=["call", "index"], name="turn_index_unique_per_call")]

    def __str__(self) -> str:
        return f"{self.get_speaker_display()}: {self.text[:60]}"
