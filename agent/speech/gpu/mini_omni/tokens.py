"""mini-omni's token layout: one embedding table holds Qwen2's text ids and, after them, seven layers of SNAC
audio codes, each with its own specials. The eight rows a prompt is made of (seven audio, one text) and the
prompts of each task, as upstream builds them."""

from __future__ import annotations

TEXT_IDS = 151936  # Qwen2's vocabulary; the text specials follow
PADDED_TEXT = 152000  # the text part of the table
EOT, PAD_T, INPUT_T, ANSWER_T, ASR = range(TEXT_IDS, TEXT_IDS + 5)
AUDIO_CODES = 4096  # SNAC's codebook
AUDIO_LAYER = AUDIO_CODES + 64  # one audio layer's part of the table (its codes, then its specials)
EOA, PAD_A, INPUT_A, ANSWER_A = range(AUDIO_CODES, AUDIO_CODES + 4)
AUDIO_ROWS = 7
ROWS = AUDIO_ROWS + 1  # seven audio rows, then the text row
FRAME_MS = 20  # one Whisper frame kept per 20 ms of speech


def layershift(token: int, layer: int) -> int:
    """An audio layer's local id (0…4159) as an id of the shared table."""
    return token + PADDED_TEXT + AUDIO_LAYER * layer


def whisper_frames(samples: int, rate: int) -> int:
    """How many Whisper frames of an utterance the model is given: upstream's `int(ms / 20) + 1`."""
    return int(samples / rate * 1000 / FRAME_MS) + 1


def audio_prompt(frames: int, task: str) -> list[list[int]]:
    """The eight rows for a task whose input is speech: `frames` positions that the Whisper features fill,
    between an input marker and an end marker, then what the answer starts with.
    A1A2: speak an answer; A1T2: write an answer; A1T1: write what was said (ASR)."""
    audio_last = {"A1A2": ANSWER_A, "A1T2": PAD_A, "A1T1": PAD_A}[task]
    text_last = ASR if task == "A1T1" else ANSWER_T
    rows = [
        [layershift(token, layer) for token in (INPUT_A, *[PAD_A] * frames, EOA, audio_last)]
        for layer in range(AUDIO_ROWS)
    ]
    return [*rows, [INPUT_T, *[PAD_T] * frames, EOT, text_last]]


def text_prompt(tokens: list[int], task: str) -> list[list[int]]:
    """The eight rows for a task whose input is text: T1A2 (speak an answer) or T1T2 (write one)."""
    if task == "T1A2":
        audio = [PAD_A] * (len(tokens) + 2) + [ANSWER_A]
    else:
        audio = [PAD_A] * (len(tokens) + 3)
    rows = [[layershift(token, layer) for token in audio] for layer in range(AUDIO_ROWS)]
    return [*rows, [INPUT_T, *tokens, EOT, ANSWER_T]]


def frame_codes(frame: list[int]) -> tuple[list[int], list[int], list[int]]:
    """One frame's seven codes (one per audio layer) as SNAC 24 kHz's three levels (1, 2 and 4 codes), in
    upstream's depth-first order."""
    a0, a1, a2, a3, a4, a5, a6 = frame
    return [a0], [a1, a4], [a2, a3, a5, a6]
