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

    ears = WhisperEars.from_folder(whisper_dir, gather_seconds=0.2)
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
        WhisperEars.from_folder(tmp_path)


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
    from agent.speech.gpu.stack import GpuSpeech

    with pytest.raises(ValueError, match="AGENT_WHISPER_DIR"):
        GpuSpeech()
    with pytest.raises(ValueError, match="AGENT_MINI_OMNI_DIR"):
        GpuSpeech(ears="mini-omni")
    stack = GpuSpeech(whisper_dir="/nowhere")
    assert stack.grammar(None) == "" and stack.name == "gpu" and stack.speech_to_speech is None
    with pytest.raises(FileNotFoundError, match="/nowhere"):
        stack.ears()


PEOPLE = """
personas:
  - name: maria
    number: "+12025550301"
    hangup_after: 18
    barge_in_at: 1
    turns:
      - say: "Yes, speaking."
      - say: "Thursday afternoon works for me."
  - name: dan
    number: "+12025550302"
    hangup_after: 18
    barge_in_at: 1
    turns:
      - say: "Yes, speaking."
      - say: "Thursday afternoon works for me."
  - name: james-voicemail
    number: "+12025550304"
    answer: voicemail
    rings: 2
"""


def test_whole_calls_through_phonify_run_on_the_gpu_stack_and_those_past_its_room_on_the_cpus(tmp_path, whisper_dir):
    """Three calls at once, room on the GPU for one. The GPU's call: the callee's words reach Whisper's ears
    (tiny weights hear gibberish, so the policy asks again: it decides on what the ears gave), the voice reaches
    her, both legs are recorded, and when she talks over the agent it stops. The other two run on the CPU stack,
    flagged for staff, and are understood; the machine gets its message after the beep either way."""
    from agent.session import GPU_FULL

    people = tmp_path / "people.yaml"
    people.write_text(PEOPLE)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "AGENT_SPEECH": "gpu", "AGENT_GPU_CALLS": "1",
           "AGENT_WHISPER_DIR": str(whisper_dir), "AGENT_GPU_DEVICE": "cpu"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate", str(people), "--json", "--now", "2027-01-05T08:30:00-05:00"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(result.stdout[result.stdout.index("{") :]) if "{" in result.stdout else None
    assert report is not None, result.stderr[-3000:]
    calls = {row["name"]: row for row in report["personas"]}
    assert sorted(row["flag_reason"] for row in calls.values()) == ["", GPU_FULL, GPU_FULL]
    for name in ("maria", "dan"):
        call = calls[name]
        said = [(turn["speaker"], turn["text"]) for turn in call["transcript"]]
        assert said[1][0] == "agent" and said[1][1].startswith("Hi, this is")
        heard = [turn for turn in call["transcript"][2:] if turn["speaker"] == "callee"]
        assert heard and call["heard_latencies_ms"] and call["recording_seconds"] > 3  # audio both ways
        assert call["barge_ins"] and call["barge_ins"][0]["agent_stopped_after_ms"] < 1000, call["barge_ins"]
        if call["flag_reason"]:  # the CPU stack heard "Yes, speaking."
            assert heard[0].get("understood") not in (None, "unclear"), heard
        else:  # Whisper's tiny weights heard gibberish, and the policy asked again (words said over the agent
            # are kept without a reading when they were taken for noise)
            read = [turn["understood"] for turn in heard if turn.get("understood")]
            assert read and set(read) == {"unclear"}, heard
            assert any(text.startswith("Sorry, I didn't quite catch that") for who, text in said if who == "agent")
    james = calls["james-voicemail"]
    assert james["outcome"] == "voicemail_left" and "202-555-0199" in james["voicemail_message"]


ASKS = """
personas:
  - name: maria-asks
    number: "+12025550301"
    hangup_after: 25
    turns:
      - say: "Yes, speaking."
"""


def test_a_question_the_script_cannot_answer_is_answered_by_mini_omni_in_its_own_voice(tmp_path):
    """Whisper (tiny, made to hear "Can I bring my wife?" in anything) hears a question the script holds no
    answer for; the script lets the speech model answer, so mini-omni (tiny, random) answers in its own voice —
    audio made on the model's side, streamed to the callee, marked on the transcript — and the script's
    question follows in the script's voice."""
    from agent.dialogue.model_answers import SAID_BY_THE_MODEL
    from agent.speech.gpu.random_checkpoints import write_random_mini_omni, write_saying_whisper

    people = tmp_path / "people.yaml"
    people.write_text(ASKS)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "AGENT_SPEECH": "gpu", "AGENT_GPU_DEVICE": "cpu",
           "AGENT_WHISPER_DIR": str(write_saying_whisper(tmp_path / "whisper", "Can I bring my wife?")),
           "AGENT_MINI_OMNI_DIR": str(write_random_mini_omni(tmp_path / "mini-omni")),
           "AGENT_GPU_REPLY_SECONDS": "1.5"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate", str(people), "--json", "--now", "2027-01-05T08:30:00-05:00",
         "--speech-model-answers"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(result.stdout[result.stdout.index("{") :]) if "{" in result.stdout else None
    assert report is not None, result.stderr[-3000:]
    transcript = report["personas"][0]["transcript"]
    said = [(turn["speaker"], turn["text"], turn.get("understood", "")) for turn in transcript]
    by_model = [index for index, (who, _, how) in enumerate(said) if who == "agent" and how == SAID_BY_THE_MODEL]
    assert by_model, said
    assert said[by_model[0] - 1][:2] == ("callee", "Can I bring my wife?")
    assert said[by_model[0] + 1][:2] == ("agent", "Am I speaking with Maria?")  # the script goes on
    assert report["personas"][0]["heard_latencies_ms"]
