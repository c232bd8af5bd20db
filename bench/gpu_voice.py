"""The GPU voice's speed with full-size random-weight models (speed does not depend on the weights): no Django,
no database, no files — only torch, transformers and snac (and numpy), so it runs on a bare GPU host from a
checkout:  python bench/gpu_voice.py [--device cuda] [--calls 1,10,50] [--whisper small.en]

Measures, for mini-omni speaking (A1A2 with its text twin, greedy as upstream, end-of-audio masked so every
reply runs its full length) and for Whisper's ears:
- first audio after the end of speech: from the utterance handed over (2 s of speech) to the first chunk of
  the fork's audio (Whisper encode, prefill, 7 + 2 steps, SNAC decode, resampling), with N calls all asking at
  once (the worst moment); and the same with the session's end-of-turn wait added;
- a decoding step for N calls at once, and the real-time factor (a step must take less than one SNAC frame,
  85.3 ms, for every call to speak in real time) → the most calls at real time;
- one SNAC chunk's decode (4 frames and 2 of context);
- Whisper: a 2 s utterance's recognition, alone and N at once in one batch (10 tokens each, a typical answer).
Prints a markdown table; `--tiny` runs the same on the tests' tiny models (a smoke run on a CPU)."""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

END_OF_TURN = 0.35  # the session's end-of-turn silence with audio (agent/session.py Timing), added to first audio
FRAME_SECONDS = 2048 / 24000


def speech(seconds: float, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(16000 * seconds)) * 3000).astype(np.int16)


def never_ending(logits: torch.Tensor) -> torch.Tensor:
    """Greedy, but never end-of-audio or end-of-text: random weights would end at random."""
    from agent.speech.gpu.mini_omni.tokens import EOA, EOT

    logits = logits.clone()
    logits[..., EOA if logits.shape[-1] != 152000 else EOT] = -torch.inf
    return logits.argmax(-1)


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def mini_omni(parts, calls: int, frames: int) -> dict:
    from agent.speech.gpu.mini_omni.engine import MiniOmniEngine

    engine = MiniOmniEngine(parts, calls=calls, sampler=never_ending, longest_frames=frames)
    try:
        engine.answer(speech(2.0, 99)).collect()  # warm up
        engine.steps_batched.clear()
        first: list[float] = [0.0] * calls
        done = threading.Barrier(calls + 1)

        def listen(index: int, reply, asked: float) -> None:
            for kind, value in reply:
                if kind == "audio" and len(value) and not first[index]:
                    first[index] = time.perf_counter() - asked
            done.wait()

        asked = time.perf_counter()
        replies = [engine.answer(speech(2.0, index)) for index in range(calls)]
        for index, reply in enumerate(replies):
            threading.Thread(target=listen, args=(index, reply, asked), daemon=True).start()
        done.wait()
        total = time.perf_counter() - asked
    finally:
        engine.close()
    steps = len(engine.steps_batched)
    step_seconds = total / max(1, steps)
    return {
        "first_p50": statistics.median(first) * 1000, "first_max": max(first) * 1000,
        "step_ms": step_seconds * 1000, "rtf": step_seconds / FRAME_SECONDS, "steps": steps,
        "memory_gb": torch.cuda.max_memory_allocated() / 1e9 if parts.device.startswith("cuda") else None,
    }  # fmt: skip


def snac_chunk(parts, repeats: int = 10) -> float:
    codes = [torch.randint(0, 4096, (1, 6 * n), device=parts.device) for n in (1, 2, 4)]
    with torch.inference_mode():
        parts.snac.decode(codes)
        sync(parts.device)
        started = time.perf_counter()
        for _ in range(repeats):
            parts.snac.decode(codes)
        sync(parts.device)
    return (time.perf_counter() - started) / repeats * 1000


def whisper(size: str, device: str, dtype, levels: list[int]) -> list[tuple[int, float]]:
    from agent.speech.gpu.random_checkpoints import random_whisper
    from agent.speech.gpu.whisper_ears import WhisperEars

    model, processor = random_whisper(size)
    ears = WhisperEars(model.to(device, dtype), processor, multilingual=True, most=max(levels), most_tokens=10)
    ears.transcribe([speech(2.0, 0)])
    rows = []
    for level in levels:
        batch = [speech(2.0, seed) for seed in range(level)]
        sync(device)
        started = time.perf_counter()
        ears.transcribe(batch)
        sync(device)
        rows.append((level, (time.perf_counter() - started) * 1000))
    ears.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--calls", default="1,10,50", help="calls at once, comma-separated")
    parser.add_argument("--frames", type=int, default=24, help="SNAC frames each reply speaks (24 = 2 s)")
    parser.add_argument("--whisper", default="small.en", help="small.en or large-v3-turbo")
    parser.add_argument("--tiny", action="store_true", help="the tests' tiny models: a smoke run")
    options = parser.parse_args()
    from agent.speech.gpu.random_checkpoints import random_mini_omni_parts

    device = options.device
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    levels = [int(level) for level in options.calls.split(",")]
    name = (
        torch.cuda.get_device_name(device) if device.startswith("cuda") else f"CPU, {torch.get_num_threads()} threads"
    )
    print(
        f"device: {name}; torch {torch.__version__}; {'tiny' if options.tiny else 'full-size'} random weights, {dtype}"
    )
    parts = random_mini_omni_parts("tiny-test" if options.tiny else "full", device, dtype)
    print(f"\nSNAC chunk (4 frames + 2 of context): {snac_chunk(parts):.1f} ms\n")
    print("| calls at once | first audio p50 / max ms | + end-of-turn wait | step ms | real-time factor | memory GB |")
    print("|---|---|---|---|---|---|")
    for level in levels:
        row = mini_omni(parts, level, options.frames)
        memory = f"{row['memory_gb']:.1f}" if row["memory_gb"] is not None else "–"
        wait = END_OF_TURN * 1000
        print(
            f"| {level} | {row['first_p50']:.0f} / {row['first_max']:.0f} | {row['first_p50'] + wait:.0f} / "
            f"{row['first_max'] + wait:.0f} | {row['step_ms']:.1f} | {row['rtf']:.2f} | {memory} |"
        )
        sys.stdout.flush()
    print(f"\nWhisper {'tiny-test' if options.tiny else options.whisper}, a 2 s utterance, 10 tokens:\n")
    print("| utterances in one batch | ms |")
    print("|---|---|")
    for level, milliseconds in whisper("tiny-test" if options.tiny else options.whisper, device, dtype, levels):
        print(f"| {level} | {milliseconds:.0f} |")


if __name__ == "__main__":
    main()
