"""The released mini-omni folder, read from local disk only (a setting names it; nothing is fetched):

- `lit_model.pth`: the language model's state dict under litgpt's names → `MiniOmni`, strictly (every name and
  shape must match);
- `model_config.yaml`: its configuration → `MiniOmniConfig.from_yaml`;
- `tokenizer.json`: Qwen2's tokenizer → `tokenizers.Tokenizer`;
- `small.pt`: OpenAI's Whisper small (`{"dims", "model_state_dict"}`), of which only the encoder is used → mapped
  onto transformers' `WhisperEncoder` by `WHISPER_NAMES`;
- `snac/` (`config.json`, `pytorch_model.bin`): SNAC 24 kHz, the audio codec → `snac.SNAC`.

The released state dict holds `lm_head.weight` and `transformer.wte.weight` as two tensors although the model ties
them; upstream's strict load leaves the embedding's values in both, and so does this loader."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import torch

from agent.speech.gpu.mini_omni.model import MiniOmni, MiniOmniConfig, rope_tables

# OpenAI's Whisper encoder names → transformers' WhisperEncoder names (the decoder is not used)
WHISPER_NAMES = (
    (r"^encoder\.conv([12])\.", r"conv\1."),
    (r"^encoder\.positional_embedding$", "embed_positions.weight"),
    (r"^encoder\.blocks\.(\d+)\.attn\.query\.", r"layers.\1.self_attn.q_proj."),
    (r"^encoder\.blocks\.(\d+)\.attn\.key\.", r"layers.\1.self_attn.k_proj."),
    (r"^encoder\.blocks\.(\d+)\.attn\.value\.", r"layers.\1.self_attn.v_proj."),
    (r"^encoder\.blocks\.(\d+)\.attn\.out\.", r"layers.\1.self_attn.out_proj."),
    (r"^encoder\.blocks\.(\d+)\.attn_ln\.", r"layers.\1.self_attn_layer_norm."),
    (r"^encoder\.blocks\.(\d+)\.mlp\.0\.", r"layers.\1.fc1."),
    (r"^encoder\.blocks\.(\d+)\.mlp\.2\.", r"layers.\1.fc2."),
    (r"^encoder\.blocks\.(\d+)\.mlp_ln\.", r"layers.\1.final_layer_norm."),
    (r"^encoder\.ln_post\.", "layer_norm."),
)


class CheckpointError(ValueError):
    pass


@dataclass
class MiniOmniParts:
    model: MiniOmni
    whisper: torch.nn.Module  # transformers' WhisperEncoder
    features: object  # transformers' WhisperFeatureExtractor for the encoder's mel bins
    tokenizer: object  # tokenizers.Tokenizer
    snac: torch.nn.Module
    device: str
    dtype: torch.dtype


def load_mini_omni(folder: str | Path, device: str, dtype: torch.dtype) -> MiniOmniParts:
    folder = Path(folder)
    for needed in ("lit_model.pth", "model_config.yaml", "tokenizer.json", "small.pt", "snac/config.json"):
        if not (folder / needed).is_file():
            raise CheckpointError(f"{folder}: {needed} is missing (docs/gpu.md lists the folder's files)")
    from tokenizers import Tokenizer

    model = language_model(folder, device, dtype)
    whisper, features = whisper_encoder(folder / "small.pt", device, dtype)
    snac = snac_codec(folder / "snac", device)
    return MiniOmniParts(
        model, whisper, features, Tokenizer.from_file(str(folder / "tokenizer.json")), snac, device, dtype
    )


def language_model(folder: Path, device: str, dtype: torch.dtype) -> MiniOmni:
    config = MiniOmniConfig.from_yaml(folder / "model_config.yaml")
    with torch.device("meta"):
        model = MiniOmni(config)
    state = torch.load(folder / "lit_model.pth", map_location="cpu", mmap=True, weights_only=True)
    check_names(state, manifest(model), folder / "lit_model.pth")
    if config.tie_word_embeddings:
        state = {**state, "lm_head.weight": state["transformer.wte.weight"]}  # the embedding's values win
    model.load_state_dict({name: tensor.to(dtype) for name, tensor in state.items()}, strict=True, assign=True)
    if config.tie_word_embeddings:
        model.lm_head.weight = model.transformer.wte.weight
    model.cos, model.sin = (table.to(device) for table in rope_tables(config))
    return model.to(device).eval()


def manifest(model: MiniOmni) -> dict[str, list[int]]:
    """The parameter names and shapes the loader accepts from `lit_model.pth` (both tied names included,
    as the release stores them)."""
    return {name: list(tensor.shape) for name, tensor in model.state_dict(keep_vars=True).items()}


def check_names(state: dict, expected: dict[str, list[int]], source: Path) -> None:
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise CheckpointError(
            f"{source}: missing {missing[:5]} … ({len(missing)}), unexpected {unexpected[:5]} … ({len(unexpected)})"
        )
    wrong = [
        f"{name} {list(state[name].shape)} (expected {shape})"
        for name, shape in expected.items()
        if list(state[name].shape) != shape
    ]
    if wrong:
        raise CheckpointError(f"{source}: wrong shapes: {'; '.join(wrong[:5])}")


def whisper_encoder(path: Path, device: str, dtype: torch.dtype):
    """OpenAI's Whisper checkpoint's encoder as transformers' `WhisperEncoder`, with the feature extractor for
    its mel bins (30 s windows, as the model was trained)."""
    from transformers import WhisperConfig, WhisperFeatureExtractor
    from transformers.models.whisper.modeling_whisper import WhisperEncoder

    saved = torch.load(path, map_location="cpu", weights_only=True)
    dims, state = saved["dims"], saved["model_state_dict"]
    config = WhisperConfig(
        num_mel_bins=dims["n_mels"], max_source_positions=dims["n_audio_ctx"], d_model=dims["n_audio_state"],
        encoder_attention_heads=dims["n_audio_head"], encoder_layers=dims["n_audio_layer"],
        encoder_ffn_dim=4 * dims["n_audio_state"],
    )  # fmt: skip
    encoder = WhisperEncoder(config)
    mapped = whisper_names(state)
    missing, unexpected = encoder.load_state_dict(mapped, strict=False)
    if missing or unexpected:
        raise CheckpointError(
            f"{path}: the encoder's names do not map: missing {missing[:5]}, unexpected {unexpected[:5]}"
        )
    return encoder.to(device, dtype).eval(), WhisperFeatureExtractor(feature_size=dims["n_mels"])


def whisper_names(state: dict) -> dict:
    mapped = {}
    for name, tensor in state.items():
        for pattern, replacement in WHISPER_NAMES:
            if re.match(pattern, name):
                mapped[re.sub(pattern, replacement, name)] = tensor
                break
    return mapped


def snac_codec(folder: Path, device: str):
    """SNAC from its config and weights (the package's own `from_pretrained` would ask a hub)."""
    from snac import SNAC

    codec = SNAC(**json.loads((folder / "config.json").read_text()))
    codec.load_state_dict(torch.load(folder / "pytorch_model.bin", map_location="cpu", weights_only=True))
    return codec.to(device).eval()  # float32: its decoder is small, and half precision rings
