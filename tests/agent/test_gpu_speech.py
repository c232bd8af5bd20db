"""The GPU speech stack's ears and plumbing on the CPU, with tiny random-weight models of the real
architectures written by the test (nothing downloaded): tiny weights hear gibberish, so these tests assert what
does not depend on the words — loading, batching across calls, limits, the resampler's joins, the settings."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from agent.speech.audio import RATE, resample
from agent.speech.gpu.batching import BatchRunner
from agent.speech.gpu.stream_resampler import StreamResampler

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.database_free
torch = pytest.importorskip("torch", reason="requirements-gpu.txt (make test installs torch's CPU build)")


@pytest.fixture(scope="module")
def whisper_dir(tmp_path_factory):
    from agent.speech.gpu.random_checkpoints import write_random_whisper

    return write_random_whisper(tmp_path_factory.mktemp("whisper"))


@pytest.fixture(scope="module")
def ears(whisper_dir):
    from agent.speech.gpu.whisper_ears import WhisperEars

    ears = WhisperEars(whisper_dir, gather_seconds=0.2)
    yield ears
    ears.close()


def speech(seconds: float, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(RATE * seconds)) * 3000).astype(np.int16)


def test_whisper_loads_from_the_checkpoint_folder_and_gives_words_with_a_confidence(ears):
    heard = ears.recognize(speech(1.5, 1))
    assert heard.text and 0 <= heard.confidence <= 1 and not heard.open
    assert ears.knows("anything")


def test_a_folder_without_a_checkpoint_is_named_in_the_error(tmp_path):
    from agent.speech.gpu.whisper_ears import WhisperEars

    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        WhisperEars(tmp_path)


def test_turns_that_end_together_are_heard_in_one_batch_with_the_words_each_would_get_alone(ears):
    utterances = [speech(seconds, seed) for seconds, seed in ((0.8, 2), (2.0, 3), (3.1, 4))]
    alone = [ears.transcribe([samples])[0] for samples in utterances]
    before = len(ears.runner.batch_sizes)
    futures = [ears.recognize_later(samples) for samples in utterances]
    together = [future.result(30) for future in futures]
    assert ears.runner.batch_sizes[before:] == [3]
    assert [heard.text for heard in together] == [heard.text for heard in alone]
    assert [heard.confidence for heard in together] == pytest.approx([heard.confidence for heard in alone], abs=0.01)


def test_a_short_turn_cannot_run_on_into_a_long_invented_sentence(ears):
    from agent.speech.gpu.whisper_ears import TOKENS_LEAST, TOKENS_PER_SECOND

    heard = ears.recognize(speech(0.5, 5))
    tokens = ears.processor.tokenizer(heard.text, add_special_tokens=False).input_ids
    assert len(tokens) <= TOKENS_LEAST + 0.5 * TOKENS_PER_SECOND


def test_a_greeting_recognised_and_spotted_in_is_decoded_once(ears):
    greeting = speech(2.0, 6)
    before = sum(ears.runner.batch_sizes)
    heard = ears.recognize_later(greeting)
    spotted = ears.spot_later(greeting, ("leave a message",))
    assert spotted.result(30) <= {"leave a message"} and heard.result(30).text
    assert sum(ears.runner.batch_sizes) == before + 1


def test_a_failed_batch_fails_each_of_its_requests_and_the_next_batch_still_runs():
    calls = []

    def run(batch):
        calls.append(list(batch))
        if "bad" in batch:
            raise RuntimeError("out of memory")
        return [item.upper() for item in batch]

    runner = BatchRunner(run, gather_seconds=0.1)
    try:
        failed = [runner.submit("bad"), runner.submit("ok")]
        for future in failed:
            with pytest.raises(RuntimeError, match="out of memory"):
                future.result(5)
        assert runner.submit("fine").result(5) == "FINE"
        assert calls == [["bad", "ok"], ["fine"]]
    finally:
        runner.close()


def test_a_batch_never_grows_past_its_size():
    release = threading.Event()
    runner = BatchRunner(lambda batch: release.wait(5) and list(batch), most=4, gather_seconds=0.05)
    try:
        futures = [runner.submit(number) for number in range(10)]
        release.set()
        assert [future.result(5) for future in futures] == list(range(10))
        assert max(runner.batch_sizes) <= 4 and sum(runner.batch_sizes) == 10
    finally:
        runner.close()


def test_audio_resampled_in_chunks_joins_without_clicks_or_lost_samples():
    seconds = 1.024  # three SNAC chunks of 8,192 samples at 24 kHz: 5,461⅓ each at 16 kHz
    moments = np.arange(int(24000 * seconds)) / 24000
    tone = (0.5 * np.sin(2 * np.pi * 440 * moments)).astype(np.float32)
    resampler = StreamResampler(24000, 16000)
    chunks = [tone[start : start + 8192] for start in range(0, len(tone), 8192)]
    out = np.concatenate([resampler.feed(chunk, last=index == len(chunks) - 1) for index, chunk in enumerate(chunks)])
    assert len(out) == 16384
    whole = resample(np.rint(tone * 32767).astype(np.int16), 24000, 16000)
    assert np.abs(out[64:-64].astype(int) - whole[64:-64].astype(int)).max() <= 2  # the same signal, joins included
    steps = np.abs(np.diff(out[64:-64].astype(int)))
    assert steps.max() <= 1.05 * 32767 * 2 * np.pi * 440 / 16000 * 0.5  # no jump beyond the tone's own slope


def test_the_gpu_stack_asks_for_its_checkpoint_folder(settings):
    from agent.speech.backend import GpuSpeech

    with pytest.raises(ValueError, match="AGENT_WHISPER_DIR"):
        GpuSpeech("")
    stack = GpuSpeech("/nowhere")
    assert stack.grammar(None) == "" and stack.name == "gpu" and stack.speech_to_speech is None
    with pytest.raises(FileNotFoundError, match="/nowhere"):
        stack.ears()


PEOPLE = """
personas:
  - name: maria
    number: "+12025550301"
    hangup_after: 14
    turns:
      - say: "Yes, speaking."
  - name: james-voicemail
    number: "+12025550304"
    answer: voicemail
    rings: 2
"""


def test_a_whole_call_through_phonify_runs_on_the_gpu_stack(tmp_path, whisper_dir):
    """Maria's words reach Whisper's ears (tiny weights hear gibberish, so the policy asks again: it decides on
    what the ears gave), the voice reaches her, both legs are recorded; James's machine gets the message after
    its beep."""
    people = tmp_path / "people.yaml"
    people.write_text(PEOPLE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "AGENT_SPEECH": "gpu",
           "AGENT_WHISPER_DIR": str(whisper_dir), "AGENT_GPU_DEVICE": "cpu"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate", str(people), "--json", "--now", "2027-01-05T08:30:00-05:00"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(result.stdout[result.stdout.index("{") :]) if "{" in result.stdout else None
    assert report is not None, result.stderr[-3000:]
    calls = {row["name"]: row for row in report["personas"]}
    maria, james = calls["maria"], calls["james-voicemail"]
    said = [(turn["speaker"], turn["text"]) for turn in maria["transcript"]]
    assert said[1][0] == "agent" and said[1][1].startswith("Hi, this is")
    heard = [turn for turn in maria["transcript"][2:] if turn["speaker"] == "callee"]
    assert heard and all(turn.get("understood") == "unclear" for turn in heard)
    assert any(text.startswith("Sorry, I didn't quite catch that") for speaker, text in said if speaker == "agent")
    assert maria["heard_latencies_ms"] and maria["recording_seconds"] > 3  # she heard the agent answer her
    assert james["outcome"] == "voicemail_left" and "202-555-0199" in james["voicemail_message"]
