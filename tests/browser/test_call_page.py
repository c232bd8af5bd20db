"""The call page in a real browser: the recording plays in the page's player, which can seek in it."""

import io
import math
import wave

import pytest
from django.conf import settings
from playwright.sync_api import expect

from calls.models import Call
from calls.services import call_recording_save
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tone(seconds: int, rate: int = 16000) -> bytes:
    samples = (int(8000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(seconds * rate))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
    return buffer.getvalue()


@pytest.fixture
def recorded_call(call):
    """The server reads the same RECORDINGS_DIR as this process (both from the environment)."""
    relative = call_recording_save(call_id=call.uuid, wav=tone(40))
    yield call
    (settings.RECORDINGS_DIR / relative).unlink(missing_ok=True)


def test_it_plays_the_recording_and_seeks_in_it(page, live_server_url, colleague, recorded_call):
    Call.objects.filter(pk=recorded_call.pk).update(
        status=Call.Status.ENDED, outcome=Call.Outcome.VOICEMAIL_LEFT, voicemail_message="Hi Maria, this is Ava."
    )
    sign_in(page, live_server_url, email="bob@north.example")
    audio_url = f"/calls/{recorded_call.uuid}/audio/"
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith(audio_url) else None)
    page.goto(f"{live_server_url}/calls/{recorded_call.uuid}/")
    expect(page.get_by_role("link", name="Download")).to_have_attribute("href", audio_url)
    page.wait_for_function("document.querySelector('audio').duration > 0", timeout=15000)
    assert round(page.evaluate("document.querySelector('audio').duration")) == 40
    page.evaluate(
        """() => new Promise(resolve => {
            const audio = document.querySelector('audio');
            audio.addEventListener('seeked', resolve, {once: true});
            audio.currentTime = 35;
        })"""
    )
    assert page.evaluate("document.querySelector('audio').currentTime") == pytest.approx(35, abs=0.5)
    assert 206 in statuses, statuses  # the player asked for a part of the file and got it
    expect(page.locator("blockquote")).to_have_text("Hi Maria, this is Ava.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "call.png"), full_page=True)
    assert not page.server_errors


def test_staff_see_what_each_callee_turn_was_heard_as_and_how_it_was_understood(page, live_server_url, colleague, call):
    """So that a wrong turn can be diagnosed: the words heard, the recogniser's confidence and the reading."""
    from calls.models import Turn

    Call.objects.filter(pk=call.pk).update(status=Call.Status.ENDED, outcome=Call.Outcome.WRONG_PERSON)
    Turn.objects.create(call=call, index=0, speaker=Turn.Speaker.AGENT, text="Hi, this is Ava. Is this Maria?")
    Turn.objects.create(
        call=call, index=1, speaker=Turn.Speaker.CALLEE, text="oh you have the wrong", confidence=0.3,
        understood="wrong_person",
    )  # fmt: skip
    Turn.objects.create(call=call, index=2, speaker=Turn.Speaker.AGENT, text="Did you say I have the wrong number?")
    Turn.objects.create(
        call=call, index=3, speaker=Turn.Speaker.CALLEE, text="yes that's right", confidence=0.91, understood="yes"
    )
    sign_in(page, live_server_url, email="bob@north.example")
    page.goto(f"{live_server_url}/calls/{call.uuid}/")
    expect(page.locator("#transcript").get_by_text("oh you have the wrong")).to_be_visible()
    expect(page.get_by_text("heard with 0.30 confidence, understood as wrong_person")).to_be_visible()
    expect(page.get_by_text("heard with 0.91 confidence, understood as yes")).to_be_visible()
    assert not page.server_errors


def test_a_turns_time_plays_the_recording_from_there_and_marks_the_turn(
    page, live_server_url, colleague, recorded_call
):
    from calls.models import Turn

    Call.objects.filter(pk=recorded_call.pk).update(status=Call.Status.ENDED, outcome=Call.Outcome.BOOKED)
    Turn.objects.create(call=recorded_call, index=0, speaker="agent", text="Is this Maria?", started_ms=1000)
    Turn.objects.create(call=recorded_call, index=1, speaker="callee", text="Thursday at two", started_ms=21000)
    sign_in(page, live_server_url, email="bob@north.example")
    page.goto(f"{live_server_url}/calls/{recorded_call.uuid}/")
    expect(page.locator("html")).to_have_attribute("data-review-ready", "yes")
    page.wait_for_function("document.querySelector('audio').duration > 0", timeout=15000)
    page.get_by_role("button", name="0:21").click()
    page.wait_for_function("Math.abs(document.querySelector('audio').currentTime - 21) < 1", timeout=10000)
    expect(page.locator("#turn-1")).to_have_class("callee playing")
    expect(page.locator("#turn-0")).not_to_have_class("callee playing")
