"""The mini-omni port on the CPU: the released layout's names and sizes (built on the meta device, no weights),
a tiny random-weight folder written by the test and loaded as the release would be, the prompts of each task,
the attention against a plain reference, and the streaming loop — with a scripted sampler where random weights
would never say "end"."""

import math

import numpy as np
import pytest

pytestmark = pytest.mark.database_free
torch = pytest.importorskip("torch", reason="requirements-gpu.txt (make test installs torch's CPU build)")

from agent.speech.gpu.mini_omni.engine import FIRST_FRAMES, SAMPLES_PER_FRAME, STRIDE, MiniOmniEngine  # noqa: E402
from agent.speech.gpu.mini_omni.loader import CheckpointError, load_mini_omni, manifest  # noqa: E402
from agent.speech.gpu.mini_omni.model import MiniOmni, MiniOmniConfig, SlotCache  # noqa: E402
from agent.speech.gpu.mini_omni.tokens import (  # noqa: E402
    ANSWER_A,
    ANSWER_T,
    ASR,
    EOA,
    EOT,
    INPUT_A,
    INPUT_T,
    PAD_A,
    PAD_T,
    audio_prompt,
    frame_codes,
    layershift,
    text_prompt,
    whisper_frames,
)  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    from agent.speech.gpu.random_checkpoints import write_random_mini_omni

    return write_random_mini_omni(tmp_path_factory.mktemp("mini-omni"))


@pytest.fixture(scope="module")
def parts(folder):
    return load_mini_omni(folder, "cpu", torch.float32)


def speech(seconds: float, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(16000 * seconds)) * 3000).astype(np.int16)


def test_the_full_size_model_has_the_released_names_and_sizes():
    with torch.device("meta"):
        model = MiniOmni(MiniOmniConfig())
    names = manifest(model)
    assert len(names) == 198
    assert sum(math.prod(shape) for shape in names.values()) == 694_294_400  # lit_model.pth's values, both tied
    assert sum(parameter.numel() for parameter in model.parameters()) == 532_010_880  # once tied
    assert names["transformer.wte.weight"] == names["lm_head.weight"] == [181120, 896]
    assert names["transformer.h.23.attn.attn.weight"] == [1152, 896]  # 14 queries + 2 keys + 2 values, 64 each
    assert names["transformer.h.0.attn.attn.bias"] == [1152]
    assert names["whisper_adapter.fc_1.weight"] == [4864, 768] and names["whisper_adapter.proj.weight"] == [896, 4864]
    assert "transformer.h.24.norm_1.weight" not in names


def test_the_command_prints_the_manifest_the_loader_accepts(capsys):
    from django.core.management import call_command

    call_command("speech_models", "manifest", "mini-omni")
    import json

    printed = json.loads(capsys.readouterr().out)
    assert printed["transformer.h.5.mlp.fc_2.weight"] == [4864, 896] and len(printed) == 198


def test_the_tied_head_takes_the_embeddings_values_as_upstream_does(folder, parts):
    stored = torch.load(folder / "lit_model.pth", weights_only=True)
    assert not torch.equal(stored["lm_head.weight"], stored["transformer.wte.weight"])  # stored apart, different
    assert parts.model.lm_head.weight is parts.model.transformer.wte.weight
    assert torch.equal(parts.model.lm_head.weight, stored["transformer.wte.weight"])


def test_a_checkpoint_with_a_missing_or_misshapen_tensor_is_refused_by_name(folder, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    state = torch.load(broken / "lit_model.pth", weights_only=True)
    del state["transformer.h.1.mlp.proj.weight"]
    torch.save(state, broken / "lit_model.pth")
    with pytest.raises(CheckpointError, match=r"missing \['transformer.h.1.mlp.proj.weight'\]"):
        load_mini_omni(broken, "cpu", torch.float32)
    (broken / "small.pt").unlink()
    with pytest.raises(CheckpointError, match="small.pt is missing"):
        load_mini_omni(broken, "cpu", torch.float32)


def test_whispers_openai_names_all_map_onto_the_encoder(parts):
    assert parts.whisper.config.d_model == 64 and len(parts.whisper.layers) == 2
    encoded = parts.whisper(
        parts.features(np.zeros(16000, np.float32), sampling_rate=16000, return_tensors="pt").input_features
    )
    assert encoded.last_hidden_state.shape == (1, 1500, 64)  # 30 s windows, one frame per 20 ms


def test_the_prompts_of_each_task_are_upstreams():
    frames = whisper_frames(32000, 16000)
    assert frames == 101  # int(2000 ms / 20) + 1
    spoken = audio_prompt(frames, "A1A2")
    assert len(spoken) == 8 and all(len(row) == frames + 3 for row in spoken)
    assert spoken[0][:2] == [layershift(INPUT_A, 0), layershift(PAD_A, 0)] and spoken[6][-2:] == [
        layershift(EOA, 6), layershift(ANSWER_A, 6),
    ]  # fmt: skip
    assert spoken[7][0] == INPUT_T and spoken[7][-2:] == [EOT, ANSWER_T] and set(spoken[7][1:-2]) == {PAD_T}
    assert audio_prompt(frames, "A1T2")[3][-1] == layershift(PAD_A, 3)
    assert audio_prompt(frames, "A1T1")[7][-1] == ASR
    assert layershift(EOA, 0) == 156096 and layershift(0, 6) == 176960 and layershift(4159, 6) == 181119
    written = text_prompt([11, 12], "T1A2")
    assert written[7] == [INPUT_T, 11, 12, EOT, ANSWER_T] and written[0][-1] == layershift(ANSWER_A, 0)
    assert text_prompt([11, 12], "T1T2")[0] == [layershift(PAD_A, 0)] * 5
    assert frame_codes([0, 1, 2, 3, 4, 5, 6]) == ([0], [1, 4], [2, 3, 5, 6])


def reference_forward(model: MiniOmni, x: torch.Tensor) -> torch.Tensor:
    """The language model as upstream computes it over a whole sequence (every key and value expanded to all
    heads, causal attention, no cache): the check of our fused-layout split, rotary positions and cache."""
    config = model.config
    per_group = config.n_head // config.n_query_groups
    steps = x.shape[1]
    cos, sin = model.cos[:steps], model.sin[:steps]

    def rope(t):
        half = t.shape[-1] // 2
        return t * cos + torch.cat((-t[..., half:], t[..., :half]), -1) * sin

    for block in model.transformer.h:
        h = block.norm_1(x)
        qkv = block.attn.attn(h).view(1, steps, config.n_query_groups, per_group + 2, config.head_size)
        qkv = qkv.permute(0, 2, 3, 1, 4)
        q, k, v = qkv.split((per_group, 1, 1), dim=2)
        k = k.expand(1, config.n_query_groups, per_group, steps, config.head_size)
        v = v.expand(1, config.n_query_groups, per_group, steps, config.head_size)
        q, k, v = (t.reshape(1, -1, steps, config.head_size) for t in (q, k, v))
        y = torch.nn.functional.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=True)
        x = x + block.attn.proj(y.transpose(1, 2).reshape(1, steps, -1))
        x = x + block.mlp(block.norm_2(x))
    return model.transformer.ln_f(x[:, -1])


def test_attention_through_the_slot_cache_matches_a_plain_whole_sequence_forward(parts):
    model = parts.model
    ids = torch.randint(0, 181120, (1, 8, 12))
    x = model.embed(ids)
    cache = SlotCache(model.config, slots=3, length=64, device="cpu", dtype=torch.float32)
    slot = torch.tensor([2])
    with torch.inference_mode():
        expected = reference_forward(model, x)
        whole = model(x, cache, slot, torch.arange(12)[None])
        model(x[:, :7], cache, slot, torch.arange(7)[None])  # a prefill, then one step at a time
        for position in range(7, 12):
            stepped = model(x[:, position : position + 1], cache, slot, torch.tensor([[position]]))
    assert torch.allclose(whole, expected, atol=1e-4) and torch.allclose(stepped, expected, atol=1e-4)


class ScriptedSampler:
    """Text: the given words, then end-of-text. Audio: code 100·step + layer, and end-of-audio on the seventh
    layer at step `stop`."""

    def __init__(self, words: list[int], stop: int) -> None:
        self.words, self.stop, self.text_steps, self.audio_steps = words, stop, 0, 0

    def __call__(self, logits):
        if logits.shape[-1] == 152000:
            step, self.text_steps = self.text_steps, self.text_steps + 1
            return torch.tensor([self.words[step] if step < len(self.words) else EOT])
        step, self.audio_steps = self.audio_steps, self.audio_steps + 1
        codes = [(100 * step + layer) % 4096 for layer in range(7)]
        if step == self.stop:
            codes[6] = EOA
        return torch.tensor(codes)


def test_a_spoken_reply_streams_its_frames_and_flushes_the_last_ones_upstream_dropped(parts):
    stop = 20  # the seventh layer ends at step 20: frames 0…12 are complete (13 = 2 + 4 + 4 + 3)
    sampler = ScriptedSampler([5, 9, 3], stop)
    engine = MiniOmniEngine(parts, calls=2, sampler=sampler)
    try:
        reply = engine.answer(speech(1.0))
        events = list(reply)
    finally:
        engine.close()
    audio = [value for kind, value in events if kind == "audio"]
    assert events[-1] == ("end", parts.tokenizer.decode([5, 9, 3]).strip())
    frames = stop - 7
    assert sum(len(chunk) for chunk in audio) == round(frames * SAMPLES_PER_FRAME * 16000 / 24000)
    first = next(chunk for chunk in audio if len(chunk))
    frame_16k = SAMPLES_PER_FRAME * 2 / 3
    assert (FIRST_FRAMES - 0.5) * frame_16k < len(first) <= FIRST_FRAMES * frame_16k  # after two frames (less the
    # resampler's filter delay, which comes out with the next chunk)
    assert reply.text_tokens[:4] == [5, 9, 3, EOT] and set(reply.text_tokens[4:]) == {PAD_T}  # forced after the end
    assert reply.audio_codes[6][-1] == (100 * (stop - 1) + 6) % 4096 and EOA not in reply.audio_codes[6]
    # frame k's layer j was sampled at step k + j + 1
    frame_5 = [reply.audio_codes[layer][5 + layer + 1] for layer in range(7)]
    assert frame_5 == [(100 * (5 + layer + 1) + layer) % 4096 for layer in range(7)]
    assert STRIDE == 4


def test_three_calls_decode_in_one_batch_and_each_gets_what_it_would_alone(parts):
    engine = MiniOmniEngine(parts, calls=3, longest_frames=12)
    try:
        alone = engine.answer(speech(1.0, seed=1))
        alone.collect()
        replies = [engine.answer(speech(seconds, seed)) for seconds, seed in ((1.0, 1), (1.6, 2), (0.7, 3))]
        assert engine.answer(speech(1.0)) is None  # the GPU is full: the caller uses the CPU stack
        for reply in replies:
            reply.collect()
        assert max(engine.steps_batched) == 3
        assert replies[0].audio_codes == alone.audio_codes and replies[0].text_tokens == alone.text_tokens
        assert replies[1].audio_codes != alone.audio_codes  # another utterance, another answer
        assert engine.free_calls() == 3
    finally:
        engine.close()


def test_speech_to_text_ends_at_the_end_of_text(parts):
    engine = MiniOmniEngine(parts, calls=1, sampler=ScriptedSampler([1, 2], stop=10**6))
    try:
        audio, words = engine.transcribe(speech(0.8)).collect()
    finally:
        engine.close()
    assert len(audio) == 0 and words == parts.tokenizer.decode([1, 2]).strip() and words


def test_a_cancelled_reply_stops_at_the_next_step_and_frees_its_rows(parts):
    engine = MiniOmniEngine(parts, calls=1, longest_frames=200)
    try:
        reply = engine.answer(speech(1.0))
        for kind, _ in reply:
            if kind == "audio":
                reply.cancel()
            if kind == "end":
                break
        assert len(reply.audio_codes[0]) < 40 and engine.free_calls() == 1
    finally:
        engine.close()


def test_the_gpu_takes_the_calls_its_memory_budget_holds_and_refuses_the_next(folder):
    from agent.speech.gpu.stack import GpuSpeech

    stack = GpuSpeech(mini_omni_dir=str(folder), ears="mini-omni", device="cpu", memory_gb=0.2, most_calls=1000)
    engine = stack.engine()
    weights = sum(
        p.numel() * p.element_size()
        for m in (engine.parts.model, engine.parts.whisper, engine.parts.snac)
        for p in m.parameters()
    )
    per_call = 2 * SlotCache.bytes_per_slot(
        engine.parts.model.config, engine.parts.model.config.block_size, torch.float32
    )
    expected = int((0.2e9 - weights) // per_call)
    assert stack.capacity() == expected == engine.free_calls() > 0
    assert all(stack.take_call() for _ in range(expected)) and not stack.take_call()
    stack.release_call()
    assert stack.take_call()
    with pytest.raises(ValueError, match="the models alone need"):
        GpuSpeech(mini_omni_dir=str(folder), ears="mini-omni", device="cpu", memory_gb=0.01).engine()
    heard = stack.ears().recognize_later(speech(0.6)).result(60)
    assert 0 <= heard.confidence <= 1  # mini-omni's speech-to-text as the ears
    engine.close()
