"""Customers of an office, the numbers they must never be called on, and the imports that loaded them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from issetter.models import Office
from issetter.validators import validate_e164, validate_time_zone


class Tag(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="tag_unique_per_office")]

    def __str__(self) -> str:
        return self.name


class ConsentStatus(models.TextChoices):
    """Consent to be called by an artificial (AI) voice, the level the calling rules ask for."""

    UNKNOWN = "unknown", "Unknown"
    EXPRESS = "express", "Express consent"
    EXPRESS_WRITTEN = "express_written", "Express written consent"
    REVOKED = "revoked", "Revoked"


class Customer(models.Model):
    """A long-time customer of the office: contact data, consent, and a profile kept current by
    `customers.services` whenever a call ends or an appointment changes (the fields below the line)."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="customers")
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    phone = models.CharField(max_length=16, validators=[validate_e164], help_text="E.164, e.g. +12025550143.")
    phone_extension = models.CharField(
        max_length=20, blank=True, help_text="Digits to reach the person after the number answers (ext. 12)."
    )
    email = models.EmailField(blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    state = models.CharField(max_length=2, blank=True, help_text="US state code, for state calling rules.")
    postal_code = models.CharField(max_length=10, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    notes = models.TextField(blank=True)

    consent_status = models.CharField(max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.UNKNOWN)
    consent_source = models.CharField(max_length=200, blank=True, help_text="How: signed form, web form, call…")
    consent_at = models.DateTimeField(null=True, blank=True)
    do_not_call = models.BooleanField(default=False)

    # Profile, denormalised for filtering by criteria (maintained by customers.services).
    last_contacted_at = models.DateTimeField(null=True, blank=True)
    last_answered_at = models.DateTimeField(null=True, blank=True)
    answered_count = models.PositiveIntegerField(default=0)
    attempt_count = models.PositiveIntegerField(default=0)
    last_outcome = models.CharField(max_length=24, blank=True)
    next_appointment_at = models.DateTimeField(null=True, blank=True)
    last_appointment_at = models.DateTimeField(null=True, blank=True)

    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["office", "phone"], name="customer_phone_unique_per_office")]
        indexes = [
            models.Index(fields=["office", "last_name", "first_name"]),
            models.Index(fields=["office", "last_contacted_at"]),
            models.Index(fields=["office", "last_answered_at"]),
            models.Index(fields=["office", "next_appointment_at"]),
            models.Index(fields=["office", "consent_status"]),
            models.Index(fields=["office", "last_outcome"]),
            models.Index(fields=["office", "attempt_count"]),
        ]

    def __str__(self) -> str:
        return self.full_name or self.phone

    @property
    def last_outcome_label(self) -> str:
        """The last outcome as people read it ("voicemail_left" → "Voicemail left")."""
        return self.last_outcome.replace("_", " ").capitalize()

    @property
    def phone_with_extension(self) -> str:
        return f"{self.phone} ext. {self.phone_extension}" if self.phone_extension else self.phone

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class DoNotCallEntry(models.Model):
    """A number the office must never call. It blocks the number itself, so it survives re-imports."""

    class Source(models.TextChoices):
        STAFF = "staff", "Added by staff"
        CALL = "call", "Asked on a call"
        IMPORT = "import", "Imported list"
        REVOCATION = "revocation", "Consent revoked"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="do_not_call_entries")
    phone = models.CharField(max_length=16, validators=[validate_e164])
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.STAFF)
    reason = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "do-not-call entry"
        verbose_name_plural = "do-not-call entries"
        constraints = [models.UniqueConstraint(fields=["office", "phone"], name="dnc_phone_unique_per_office")]

    def __str__(self) -> str:
        return self.phone


class ImportBatch(models.Model):
    """One uploaded customer file and what became of every row.

    Invariant once finished: created + updated + duplicates + invalid == rows_total.
    `problems` lists every invalid or duplicate row as {"line": n, "reason": "..."}.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="import_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    column_mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(blank=True)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    # Imported customers with no known US state, as {"line": n, "reason": "..."}: the strictest state
    # calling rules apply to them until someone fills in their state.
    state_unknown = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done")
                | Q(
                    rows_total=models.F("created_count")
                    + models.F("updated_count")
                    + models.F("duplicate_count")
                    + models.F("invalid_count")
                ),
                name="import_batch_counts_add_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
