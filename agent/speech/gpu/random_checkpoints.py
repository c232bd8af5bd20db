"""Checkpoint folders with random weights, in the layouts the loaders read, for the tests (tiny models of the
same architectures, seconds on a CPU) and the speed bench (full-size: speed does not depend on the values).
Nothing is downloaded; the words such models say are gibberish."""

from __future__ import annotations

import json
from pathlib import Path

WHISPER_SIZES = {  # transformers' WhisperConfig fields; vocabulary as the released English-only / v3 models
    "tiny-test": dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
                      decoder_attention_heads=2, encoder_ffn_dim=128, decoder_ffn_dim=128, num_mel_bins=80,
                      max_target_positions=64),
    "small.en": dict(d_model=768, encoder_layers=12, decoder_layers=12, encoder_attention_heads=12,
                     decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072, num_mel_bins=80,
                     max_target_positions=448, vocab_size=51864),
    "large-v3-turbo": dict(d_model=1280, encoder_layers=32, decoder_layers=4, encoder_attention_heads=20,
                           decoder_attention_heads=20, encoder_ffn_dim=5120, decoder_ffn_dim=5120,
                           num_mel_bins=128, max_target_positions=448, vocab_size=51866),
}  # fmt: skip
SPECIALS = ("<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|translate|>", "<|transcribe|>",
            "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>")  # fmt: skip


def write_random_whisper(folder: str | Path, size: str = "tiny-test", seed: int = 0) -> Path:
    """A Whisper checkpoint folder as `save_pretrained` writes it (config, weights, generation config,
    feature extractor, a byte-level tokenizer with Whisper's special tokens)."""
    import torch
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration, WhisperProcessor

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dims = dict(WHISPER_SIZES[size])
    tokenizer = _byte_tokenizer(folder, words=dims.pop("vocab_size", 0) - len(SPECIALS) - 256)
    ids = tokenizer.convert_tokens_to_ids(list(SPECIALS))
    end, start = ids[0], ids[1]
    config = WhisperConfig(
        vocab_size=len(tokenizer),
        max_source_positions=1500,
        pad_token_id=end,
        bos_token_id=end,
        eos_token_id=end,
        decoder_start_token_id=start,
        **dims,
    )
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config)
    generation = model.generation_config
    generation.decoder_start_token_id, generation.eos_token_id, generation.pad_token_id = start, end, end
    generation.lang_to_id = {"<|en|>": ids[2]}  # multilingual: the prompt names English and the task
    generation.task_to_id = {"transcribe": ids[4], "translate": ids[3]}
    generation.no_timestamps_token_id = ids[-1]
    generation.suppress_tokens, generation.begin_suppress_tokens = [], [tokenizer.convert_tokens_to_ids("Ġ")]
    model.save_pretrained(folder)
    WhisperProcessor(WhisperFeatureExtractor(feature_size=config.num_mel_bins), tokenizer).save_pretrained(folder)
    return folder


def _byte_tokenizer(folder: Path, words: int = 0):
    """Whisper's tokenizer class over the 256 byte symbols (and `words` made-up words, to reach a released
    vocabulary's size), no merges."""
    from transformers import WhisperTokenizer

    symbols = _byte_symbols()
    vocabulary = {symbol: index for index, symbol in enumerate(symbols)}
    vocabulary.update({f"w{index}": len(symbols) + index for index in range(max(0, words))})
    (folder / "vocab.json").write_text(json.dumps(vocabulary))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = WhisperTokenizer(
        str(folder / "vocab.json"),
        str(folder / "merges.txt"),
        unk_token=SPECIALS[0],
        bos_token=SPECIALS[0],
        eos_token=SPECIALS[0],
        pad_token=SPECIALS[0],
    )
    tokenizer.add_special_tokens({"additional_special_tokens": list(SPECIALS[1:])})
    return tokenizer


def _byte_symbols() -> list[str]:
    """The printable stand-ins byte-level BPE uses for the 256 byte values (printable bytes stand for
    themselves, the rest are shifted past 255)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    shifted = [byte for byte in range(256) if byte not in printable]
    return [chr(byte) for byte in printable] + [chr(256 + index) for index in range(len(shifted))]
