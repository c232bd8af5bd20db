"""Call audio: the agent saves a call's recording, the call page plays it (seekable) to the call's office only."""

import io
import wave

import pytest
from django.test import Client
from django.urls import reverse

from calls.models import Call
from calls.ranged_files import RangeNotSatisfiableError, byte_range_parse
from calls.selectors import call_recording_path
from calls.services import call_recording_save
from tests.conftest import client_for


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    frames = bytes(range(256)) * (int(seconds * rate * 2) // 256 + 1)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames[: int(seconds * rate) * 2])
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def recordings_dir(settings, tmp_path):
    settings.RECORDINGS_DIR = tmp_path / "recordings"
    return settings.RECORDINGS_DIR


@pytest.fixture
def recording(call) -> bytes:
    audio = wav_bytes()
    call_recording_save(call_id=call.uuid, wav=audio)
    return audio


def audio_url(call) -> str:
    return reverse("calls:call_audio", args=[call.uuid])


def test_it_saves_the_recording_by_office_and_notes_it_on_the_call(call, office, recordings_dir):
    audio = wav_bytes()
    relative = call_recording_save(call_id=call.uuid, wav=audio)
    assert relative == f"{office.pk}/{call.uuid}.wav"
    assert (recordings_dir / relative).read_bytes() == audio
    assert sorted(p.name for p in (recordings_dir / str(office.pk)).iterdir()) == [f"{call.uuid}.wav"]  # no leftovers
    call.refresh_from_db()
    assert call.recording == relative
    assert call_recording_path(call=call) == (recordings_dir / relative).resolve()


def test_it_replaces_the_recording_when_saved_again(call, recordings_dir):
    call_recording_save(call_id=str(call.uuid), wav=wav_bytes(0.2))
    longer = wav_bytes(1.0)
    relative = call_recording_save(call_id=str(call.uuid), wav=longer)
    assert (recordings_dir / relative).read_bytes() == longer


def test_it_refuses_bytes_that_are_not_a_wav_file(call, recordings_dir):
    with pytest.raises(ValueError, match="WAV"):
        call_recording_save(call_id=call.uuid, wav=b"ID3 an mp3 perhaps")
    call.refresh_from_db()
    assert call.recording == ""
    assert not recordings_dir.exists() or not any(recordings_dir.rglob("*"))


def test_it_finds_no_recording_for_a_missing_file_or_a_path_outside_the_folder(call, recordings_dir, tmp_path):
    (tmp_path / "secret.wav").write_bytes(wav_bytes())
    for recording in ("", "1/gone.wav", "../secret.wav"):
        call.recording = recording
        assert call_recording_path(call=call) is None, recording


def test_it_serves_the_recording_to_a_member_of_the_office(colleague, call, recording):
    response = client_for(colleague).get(audio_url(call))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["Content-Length"] == str(len(recording))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private"
    assert response["Content-Disposition"] == f'inline; filename="call-{call.uuid}.wav"'
    assert response.getvalue() == recording


def test_it_hides_the_recording_from_another_office(outsider, call, recording):
    assert client_for(outsider).get(audio_url(call)).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(call, recording):
    response = Client().get(audio_url(call))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_it_answers_not_found_for_a_call_without_a_recording(colleague, call, office, recordings_dir):
    client = client_for(colleague)
    assert client.get(audio_url(call)).status_code == 404
    Call.objects.filter(pk=call.pk).update(recording=f"{office.pk}/{call.uuid}.wav")  # noted, but the file is gone
    assert client.get(audio_url(call)).status_code == 404


def test_it_serves_the_byte_range_a_seeking_player_asks_for(colleague, call, recording):
    client = client_for(colleague)
    size = len(recording)

    response = client.get(audio_url(call), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{size}"
    assert response["Content-Length"] == "100"
    assert response["Content-Type"] == "audio/wav"
    assert response.getvalue() == recording[100:200]

    response = client.get(audio_url(call), HTTP_RANGE="bytes=5000-")
    assert (response.status_code, response["Content-Range"]) == (206, f"bytes 5000-{size - 1}/{size}")
    assert response.getvalue() == recording[5000:]

    response = client.get(audio_url(call), HTTP_RANGE="bytes=-44")
    assert response.status_code == 206
    assert response.getvalue() == recording[-44:]

    response = client.get(audio_url(call), HTTP_RANGE=f"bytes={size - 10}-{size + 1000}")  # clipped to the end
    assert (response.status_code, response["Content-Range"]) == (206, f"bytes {size - 10}-{size - 1}/{size}")
    assert response.getvalue() == recording[-10:]


def test_it_refuses_a_range_past_the_end(colleague, call, recording):
    response = client_for(colleague).get(audio_url(call), HTTP_RANGE=f"bytes={len(recording)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(recording)}"


def test_it_sends_the_whole_file_for_ranges_it_does_not_serve(colleague, call, recording):
    client = client_for(colleague)
    for header in ("bytes=0-9,20-29", "bytes=9-0", "lines=1-2", "bytes=-"):
        response = client.get(audio_url(call), HTTP_RANGE=header)
        assert response.status_code == 200, header
        assert response.getvalue() == recording, header
    response = client.get(audio_url(call), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"an-old-etag"')
    assert response.status_code == 200 and response.getvalue() == recording


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=0-", (0, 999)),
        ("bytes=990-2000", (990, 999)),
        ("bytes=-1", (999, 999)),
        ("bytes=-5000", (0, 999)),
        ("BYTES = 1 - 2", (1, 2)),
        ("", None),
        ("bytes=1-2,5-6", None),
        ("bytes=abc-", None),
    ],
)
def test_it_reads_single_byte_ranges(header, expected):
    assert byte_range_parse(header=header, size=1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-1001", "bytes=-0"])
def test_it_knows_a_range_it_cannot_satisfy(header):
    with pytest.raises(RangeNotSatisfiableError):
        byte_range_parse(header=header, size=1000)


def test_the_call_page_plays_the_recording_above_the_transcript(colleague, call, recording):
    page = client_for(colleague).get(reverse("calls:detail", args=[call.uuid])).content.decode()
    assert f'<audio controls preload="metadata" src="{audio_url(call)}">' in page
    assert f'href="{audio_url(call)}" download>Download</a>' in page
    assert "No recording" not in page
    assert page.index("<audio") < page.index("Transcript")


def test_the_call_page_says_when_there_is_no_recording(colleague, call):
    page = client_for(colleague).get(reverse("calls:detail", args=[call.uuid])).content.decode()
    assert "No recording" in page
    assert "<audio" not in page and audio_url(call) not in page


def test_the_call_page_shows_the_voicemail_left(colleague, call):
    Call.objects.filter(pk=call.pk).update(
        outcome=Call.Outcome.VOICEMAIL_LEFT, voicemail_message="Hi Maria, this is Ava from North Insurance."
    )
    page = client_for(colleague).get(reverse("calls:detail", args=[call.uuid])).content.decode()
    assert "Voicemail left" in page
    assert "Hi Maria, this is Ava from North Insurance." in page
