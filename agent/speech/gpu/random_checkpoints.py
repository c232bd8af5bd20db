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


def random_whisper(size: str = "tiny-test", seed: int = 0, folder: str | Path | None = None):
    """A random-weight Whisper of a released size and its processor (a byte-level tokenizer with Whisper's
    special tokens, whose files go to `folder`, or a temporary one)."""
    import tempfile

    import torch
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration, WhisperProcessor

    folder = Path(folder or tempfile.mkdtemp(prefix="whisper-tokenizer-"))
    folder.mkdir(parents=True, exist_ok=True)
    dims = dict(WHISPER_SIZES[size])
    tokenizer = _byte_tokenizer(folder, words=dims.pop("vocab_size", 0) - len(SPECIALS) - 256)
    ids = tokenizer.convert_tokens_to_ids(list(SPECIALS))
    end, start = ids[0], ids[1]
    config = WhisperConfig(
        vocab_size=len(tokenizer), max_source_positions=1500, pad_token_id=end, bos_token_id=end, eos_token_id=end,
        decoder_start_token_id=start, **dims,
    )  # fmt: skip
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config)
    generation = model.generation_config
    generation.decoder_start_token_id, generation.eos_token_id, generation.pad_token_id = start, end, end
    generation.lang_to_id = {"<|en|>": ids[2]}  # multilingual: the prompt names English and the task
    generation.task_to_id = {"transcribe": ids[4], "translate": ids[3]}
    generation.no_timestamps_token_id = ids[-1]
    generation.suppress_tokens, generation.begin_suppress_tokens = [], [tokenizer.convert_tokens_to_ids("Ġ")]
    return model, WhisperProcessor(WhisperFeatureExtractor(feature_size=config.num_mel_bins), tokenizer)


def write_saying_whisper(folder: str | Path, text: str) -> Path:
    """A tiny Whisper that hears `text` in anything, with full confidence: its layers add nothing, each decoder
    position's embedding is one direction, and the head maps the direction of the position where each token of
    `text` is due to that token (and end-of-text after it). For whole-call tests that need words heard."""
    import torch

    folder = Path(folder)
    model, processor = random_whisper("tiny-test", folder=folder)
    model.config.tie_word_embeddings = False
    model.proj_out = torch.nn.Linear(model.config.d_model, model.config.vocab_size, bias=False)
    decoder = model.model.decoder
    tokens = processor.tokenizer(text, add_special_tokens=False).input_ids + [model.generation_config.eos_token_id]
    prompt = 4  # <|startoftranscript|> <|en|> <|transcribe|> <|notimestamps|>: the first word is due after them
    with torch.no_grad():
        decoder.embed_tokens.weight.zero_()
        decoder.embed_positions.weight.copy_(torch.eye(decoder.embed_positions.weight.shape[0], model.config.d_model))
        for layer in decoder.layers:
            for projection in (layer.self_attn.out_proj, layer.encoder_attn.out_proj, layer.fc2):
                projection.weight.zero_()
                projection.bias.zero_()
        model.proj_out.weight.zero_()
        for offset, token in enumerate(tokens):
            model.proj_out.weight[token, prompt - 1 + offset] = 5.0
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def write_random_whisper(folder: str | Path, size: str = "tiny-test", seed: int = 0) -> Path:
    """A Whisper checkpoint folder as `save_pretrained` writes it (config, weights, generation config,
    feature extractor, tokenizer)."""
    folder = Path(folder)
    model, processor = random_whisper(size, seed, folder)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
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


MINI_OMNI_TINY = dict(  # two layers; the token layout (152000 + 7 × 4160) kept, everything else small
    n_layer=2,
    n_embd=64,
    n_head=4,
    n_query_groups=2,
    head_size=16,
    intermediate_size=128,
    whisper_adapter_dim=64,
    block_size=512,
    padded_vocab_size=181120,
    text_vocab_size=152000,
    audio_vocab_size=4160,
    mlp_class_name="LLaMAMLP",
    norm_class_name="RMSNorm",
    asr_adapter="llamamlp",
    tie_word_embeddings=True,
)
WHISPER_TINY_DIMS = dict(n_mels=80, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=2,
                         n_vocab=100, n_text_ctx=8, n_text_state=64, n_text_head=2, n_text_layer=1)  # fmt: skip
SNAC_TINY = dict(sampling_rate=24000, encoder_dim=8, encoder_rates=[2, 4, 8, 8], decoder_dim=64,
                 decoder_rates=[8, 8, 4, 2], attn_window_size=None, codebook_size=4096, codebook_dim=8,
                 vq_strides=[4, 2, 1], noise=True, depthwise=True)  # fmt: skip
TINY_WORDS = ("hello", "yes", "no", "thanks", "the", "appointment", "is", "on", "thursday", "at", "noon", ".", "?")


def write_random_mini_omni(folder: str | Path, seed: int = 0) -> Path:
    """A tiny mini-omni folder in the released layout: model_config.yaml, lit_model.pth (with lm_head and the
    embedding stored apart and different, as released), tokenizer.json, Whisper's small.pt in OpenAI's format
    (a tiny one) and snac/."""
    import torch
    import yaml
    from snac import SNAC
    from tokenizers import Tokenizer, models, pre_tokenizers

    from agent.speech.gpu.mini_omni.model import MiniOmni, MiniOmniConfig

    folder = Path(folder)
    (folder / "snac").mkdir(parents=True, exist_ok=True)
    (folder / "model_config.yaml").write_text(yaml.safe_dump({**MINI_OMNI_TINY, "name": "mini-omni-tiny-test"}))
    torch.manual_seed(seed)
    config = MiniOmniConfig(**{k: v for k, v in MINI_OMNI_TINY.items() if k in MiniOmniConfig.__dataclass_fields__})
    state = {name: tensor.clone() for name, tensor in MiniOmni(config).state_dict().items()}
    state["lm_head.weight"] = torch.randn_like(state["lm_head.weight"])  # stored apart; the embedding's win
    torch.save(state, folder / "lit_model.pth")
    tokenizer = Tokenizer(models.WordLevel({word: index for index, word in enumerate(("[UNK]", *TINY_WORDS))}, "[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.save(str(folder / "tokenizer.json"))
    torch.save(
        {"dims": WHISPER_TINY_DIMS, "model_state_dict": _openai_whisper_state(WHISPER_TINY_DIMS)}, folder / "small.pt"
    )
    (folder / "snac" / "config.json").write_text(json.dumps(SNAC_TINY))
    torch.save(SNAC(**SNAC_TINY).state_dict(), folder / "snac" / "pytorch_model.bin")
    return folder


def _openai_whisper_state(dims: dict) -> dict:
    """Random weights under OpenAI's Whisper names and shapes (the encoder, and a decoder table to be ignored)."""
    import torch

    width, mels, context = dims["n_audio_state"], dims["n_mels"], dims["n_audio_ctx"]

    def random(*shape):
        return torch.randn(*shape) * 0.02

    state = {
        "encoder.conv1.weight": random(width, mels, 3), "encoder.conv1.bias": random(width),
        "encoder.conv2.weight": random(width, width, 3), "encoder.conv2.bias": random(width),
        "encoder.positional_embedding": random(context, width),
        "encoder.ln_post.weight": torch.ones(width), "encoder.ln_post.bias": torch.zeros(width),
        "decoder.token_embedding.weight": random(dims["n_vocab"], dims["n_text_state"]),
    }  # fmt: skip
    for layer in range(dims["n_audio_layer"]):
        block = f"encoder.blocks.{layer}"
        for part in ("query", "value", "out"):
            state[f"{block}.attn.{part}.weight"], state[f"{block}.attn.{part}.bias"] = (
                random(width, width),
                random(width),
            )
        state[f"{block}.attn.key.weight"] = random(width, width)  # Whisper's keys have no bias
        state[f"{block}.mlp.0.weight"], state[f"{block}.mlp.0.bias"] = random(4 * width, width), random(4 * width)
        state[f"{block}.mlp.2.weight"], state[f"{block}.mlp.2.bias"] = random(width, 4 * width), random(width)
        for norm in ("attn_ln", "mlp_ln"):
            state[f"{block}.{norm}.weight"], state[f"{block}.{norm}.bias"] = torch.ones(width), torch.zeros(width)
    return state


MINI_OMNI_SIZES = {"tiny-test": MINI_OMNI_TINY, "full": {}}  # full: the released model (MiniOmniConfig's defaults)
WHISPER_SMALL_DIMS = dict(n_mels=80, n_audio_ctx=1500, n_audio_state=768, n_audio_head=12, n_audio_layer=12)
SNAC_24KHZ = dict(SNAC_TINY, encoder_dim=48, decoder_dim=1024)  # the released codec's configuration


def random_mini_omni_parts(size: str = "tiny-test", device: str = "cpu", dtype=None, seed: int = 0):
    """mini-omni's parts with random weights, built in memory on `device` (the bench's full size: 0.5 B
    parameters, Whisper small's encoder, SNAC 24 kHz), as the loader would give them."""
    import torch
    from snac import SNAC
    from tokenizers import Tokenizer, models
    from transformers import WhisperConfig, WhisperFeatureExtractor
    from transformers.models.whisper.modeling_whisper import WhisperEncoder

    from agent.speech.gpu.mini_omni.loader import MiniOmniParts
    from agent.speech.gpu.mini_omni.model import MiniOmni, MiniOmniConfig

    dtype = dtype or torch.float32
    torch.manual_seed(seed)
    fields = MiniOmniConfig.__dataclass_fields__
    config = MiniOmniConfig(**{k: v for k, v in MINI_OMNI_SIZES[size].items() if k in fields})
    dims = WHISPER_TINY_DIMS if size == "tiny-test" else WHISPER_SMALL_DIMS
    with torch.device(device):
        model = MiniOmni(config).to(dtype).eval()
        whisper = WhisperEncoder(
            WhisperConfig(
                num_mel_bins=dims["n_mels"], max_source_positions=dims["n_audio_ctx"], d_model=dims["n_audio_state"],
                encoder_attention_heads=dims["n_audio_head"], encoder_layers=dims["n_audio_layer"],
                encoder_ffn_dim=4 * dims["n_audio_state"],
            )
        ).to(dtype).eval()  # fmt: skip
        snac = SNAC(**(SNAC_TINY if size == "tiny-test" else SNAC_24KHZ)).eval()
    tokenizer = Tokenizer(models.WordLevel({word: index for index, word in enumerate(("[UNK]", *TINY_WORDS))}, "[UNK]"))
    return MiniOmniParts(
        model, whisper, WhisperFeatureExtractor(feature_size=dims["n_mels"]), tokenizer, snac, device, dtype
    )
