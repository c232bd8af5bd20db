"""The Scripts editor's form: the script's fields as staff write them (objection answers as "objection =
answer" lines, opt-out phrases one per line, a transfer number as they would dial it, a voice picked from the
office's) read into the shapes a script stores, then every check a call depends on — the model's own
(`Script.clean`, the same the admin runs) — shown next to the field it concerns. Saving is the services' job.
And the Voices page's form: an office's own Piper voice, its model and its settings file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from callscripts.checks import (
    TEXT_LIMIT,
    ScriptCheckError,
    known_placeholders,
    objection_answers_from,
    objection_answers_text,
    opt_out_phrases_from,
)
from callscripts.models import Script
from callscripts.selectors import script_name_taken
from callscripts.services import EDITABLE
from callscripts.voices import BUNDLED as BUNDLED_VOICE
from callscripts.voices import NAME as VOICE_NAME
from callscripts.voices import UNKNOWN as VOICE_UNKNOWN
from callscripts.voices import voice_names
from customers.import_rows import RowError, phone_read
from issetter.models import Office

VOICE_CONFIG_MAX_BYTES = 2 * 1024 * 1024


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
    voice = forms.ChoiceField(
        error_messages={"invalid_choice": VOICE_UNKNOWN},
        help_text="The bundled voice, or one your office uploaded on the Voices page.",
    )
    facts = _text(
        "Facts for questions",
        rows=4,
        required=False,
        help_text=Script._meta.get_field("facts").help_text,
    )
    dialogue_policy = forms.ChoiceField(label="Dialogue", choices=Script._meta.get_field("dialogue_policy").choices)
    tone = forms.CharField(
        label="Tone",
        required=False,
        max_length=200,
        help_text=Script._meta.get_field("tone").help_text,
    )
    llm_model = forms.CharField(
        label="Language model",
        required=False,
        max_length=100,
        help_text="For the language-model dialogue: the model's name; empty: the server's LLM_MODEL.",
    )
    speech_model_answers = forms.BooleanField(
        label="The speech model may answer questions",
        required=False,
        help_text=Script._meta.get_field("speech_model_answers").help_text,
    )
    is_default = forms.BooleanField(label="Default script of the office", required=False)

    def __init__(self, *args, office: Office, script: Script | None = None, **kwargs) -> None:
        kwargs.setdefault("initial", script_initial(script or Script(office=office, name="")))
        super().__init__(*args, **kwargs)
        self.office, self.script = office, script
        self.placeholders = known_placeholders()
        self.fields["voice"].choices = [
            (name, f"{name} (bundled)" if name == BUNDLED_VOICE else name) for name in voice_names(office_id=office.pk)
        ]

    # ---- one field at a time ------------------------------------------------------------------------
    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if script_name_taken(office=self.office, name=name, other_than=self.script):
            raise ValidationError("Your office already has a script with this name.")
        return name

    def clean_objection_answers(self) -> dict[str, str]:
        try:
            return objection_answers_from(self.cleaned_data["objection_answers"])
        except ScriptCheckError as problem:
            raise ValidationError(str(problem)) from None

    def clean_transfer_number(self) -> str:
        written = self.cleaned_data["transfer_number"].strip()
        if not written:
            return ""
        try:
            number = phone_read(written, self.office.phone_region).e164
        except RowError as problem:
            raise ValidationError(f"{problem}.") from None
        return number

    def clean_opt_out_phrases(self) -> list[str]:
        return opt_out_phrases_from(self.cleaned_data["opt_out_phrases"])

    def clean_llm_model(self) -> str:
        return self.cleaned_data["llm_model"].strip()

    # ---- the script as a whole: the model's checks ---------------------------------------------------
    def clean(self) -> dict:
        cleaned = super().clean()
        candidate = Script(office=self.office, **{name: cleaned[name] for name in EDITABLE if name in cleaned})
        try:
            candidate.clean()
        except ValidationError as problems:
            for field, errors in problems.error_dict.items():
                if field not in self.errors:  # a field that could not be read already says why
                    self.add_error(field, errors)
        return cleaned


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
        "opt_out_phrases": "\n".join(map(str, script.opt_out_phrases))
        if isinstance(script.opt_out_phrases, list)
        else "",
        "voice": script.voice or BUNDLED_VOICE,
        "dialogue_policy": script.dialogue_policy,
        "tone": script.tone,
        "llm_model": script.llm_model,
        "speech_model_answers": script.speech_model_answers,
        "facts": script.facts,
        "is_default": script.is_default,
    }


class VoiceUploadForm(forms.Form):
    """An office's own voice: a Piper model (.onnx) and its settings (.onnx.json), as Piper's voice lists offer
    them; the service loads them before keeping them."""

    name = forms.CharField(
        max_length=80,
        help_text="How scripts name it: letters, digits, - and _, e.g. en_US-amy-medium.",
        validators=[
            RegexValidator(rf"\A{VOICE_NAME.pattern}\Z", "Use letters, digits, - and _ (first a letter or digit).")
        ],
    )
    model = forms.FileField(label="Voice model (.onnx)")
    config = forms.FileField(label="Voice settings (.onnx.json)")

    def __init__(self, *args, office: Office, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.office = office

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name in voice_names(office_id=self.office.pk):
            raise ValidationError("Your office already has a voice with this name.")
        return name

    def clean_model(self):
        model = self.cleaned_data["model"]
        if not model.name.lower().endswith(".onnx"):
            raise ValidationError("Choose the voice's .onnx file.")
        if model.size > settings.VOICE_UPLOAD_MAX_BYTES:
            raise ValidationError(f"A voice model may be at most {settings.VOICE_UPLOAD_MAX_BYTES // 2**20} MB.")
        return model

    def clean_config(self):
        config = self.cleaned_data["config"]
        if not config.name.lower().endswith(".json"):
            raise ValidationError("Choose the voice's .onnx.json file.")
        if config.size > VOICE_CONFIG_MAX_BYTES:
            raise ValidationError(f"A voice's settings file may be at most {VOICE_CONFIG_MAX_BYTES // 2**20} MB.")
        return config
