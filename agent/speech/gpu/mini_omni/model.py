"""mini-omni's language model: Qwen2-0.5B in litgpt's parameter layout (fused query-key-value per query group,
SwiGLU, RMSNorm, rotary positions on every dimension), an adapter from Whisper features, one embedding table for
the eight rows (averaged, not concatenated), one head whose columns are the text and seven audio layers.

The KV cache is held outside the model, one slot per row of a call, so many calls share one model and decode
in one batch, each at its own position; only the query groups' keys and values are cached (upstream expands
them to all 14 heads: 7 times the memory)."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import torch
import yaml
from torch import nn
from torch.nn import functional

from agent.speech.gpu.mini_omni.tokens import AUDIO_LAYER, AUDIO_ROWS, PADDED_TEXT


@dataclasses.dataclass(frozen=True)
class MiniOmniConfig:
    """The keys of upstream's `model_config.yaml` that shape the model, with the released model's values."""

    n_layer: int = 24
    n_embd: int = 896
    n_head: int = 14
    n_query_groups: int = 2
    head_size: int = 64
    intermediate_size: int = 4864
    norm_eps: float = 1e-6
    bias: bool = False
    add_qkv_bias: bool = True
    lm_head_bias: bool = False
    rotary_percentage: float = 1.0
    rope_base: int = 1000000
    rope_condense_ratio: int = 1
    block_size: int = 2048
    scale_embeddings: bool = False
    tie_word_embeddings: bool = True
    padded_vocab_size: int = 181120
    text_vocab_size: int = 152000
    audio_vocab_size: int = 4160
    whisper_adapter_dim: int = 768
    asr_adapter: str = "llamamlp"

    # what upstream's config may say that this port does not build (the architecture is then another one)
    REQUIRED = {
        "mlp_class_name": "LLaMAMLP", "norm_class_name": "RMSNorm", "parallel_residual": False,
        "shared_attention_norm": False, "n_expert": 0, "pos_type": "rope",
    }  # fmt: skip

    @classmethod
    def from_yaml(cls, path: Path) -> MiniOmniConfig:
        written = yaml.safe_load(path.read_text()) or {}
        for key, needed in cls.REQUIRED.items():
            if key in written and written[key] != needed:
                raise ValueError(f"{path}: {key} is {written[key]!r}; this port builds {needed!r} only")
        fields = {field.name for field in dataclasses.fields(cls)}
        config = cls(**{key: value for key, value in written.items() if key in fields})
        if config.text_vocab_size != PADDED_TEXT or config.audio_vocab_size != AUDIO_LAYER:
            raise ValueError(f"{path}: the token layout differs from mini-omni's (text 152000, audio layer 4160)")
        if config.asr_adapter not in ("llamamlp", "mlp"):
            raise ValueError(f"{path}: asr_adapter must be llamamlp or mlp")
        return config

    @property
    def rope_dims(self) -> int:
        return int(self.rotary_percentage * self.head_size)


class RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        wide = x.float()
        normed = wide * torch.rsqrt(wide.pow(2).mean(-1, keepdim=True) + self.eps)
        return normed.to(x.dtype) * self.weight


class SwiGLU(nn.Module):
    """litgpt's LLaMAMLP (and mini-omni's Whisper adapter): proj(silu(fc_1 x) · fc_2 x)."""

    def __init__(self, inputs: int, hidden: int, outputs: int, bias: bool) -> None:
        super().__init__()
        self.fc_1 = nn.Linear(inputs, hidden, bias=bias)
        self.fc_2 = nn.Linear(inputs, hidden, bias=bias)
        self.proj = nn.Linear(hidden, outputs, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(functional.silu(self.fc_1(x)) * self.fc_2(x))


class SlotCache:
    """Keys and values of every layer for `slots` rows, each up to `length` positions: (slots, groups,
    length, head size) per layer. A call holds the slots of its rows until it ends."""

    def __init__(self, config: MiniOmniConfig, slots: int, length: int, device, dtype) -> None:
        shape = (slots, config.n_query_groups, length, config.head_size)
        self.keys = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(config.n_layer)]
        self.values = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(config.n_layer)]
        self.slots, self.length = slots, length

    @staticmethod
    def bytes_per_slot(config: MiniOmniConfig, length: int, dtype) -> int:
        element = torch.tensor([], dtype=dtype).element_size()
        return 2 * config.n_layer * config.n_query_groups * length * config.head_size * element


class Attention(nn.Module):
    def __init__(self, config: MiniOmniConfig) -> None:
        super().__init__()
        self.config = config
        width = (config.n_head + 2 * config.n_query_groups) * config.head_size
        self.attn = nn.Linear(config.n_embd, width, bias=config.add_qkv_bias)
        self.proj = nn.Linear(config.n_head * config.head_size, config.n_embd, bias=config.bias)

    def forward(self, x, cos, sin, layer: int, cache: SlotCache, slots, positions) -> torch.Tensor:
        config = self.config
        rows, steps, _ = x.shape
        per_group = config.n_head // config.n_query_groups
        # litgpt's fused layout: for each query group, its queries, then one key, then one value
        qkv = self.attn(x).view(rows, steps, config.n_query_groups, per_group + 2, config.head_size)
        q = qkv[:, :, :, :per_group].reshape(rows, steps, config.n_head, config.head_size).transpose(1, 2)
        k = qkv[:, :, :, per_group].transpose(1, 2)  # (rows, groups, steps, head size)
        v = qkv[:, :, :, per_group + 1].transpose(1, 2)
        q, k = _rope(q, cos, sin, config.rope_dims), _rope(k, cos, sin, config.rope_dims)
        keys, values = cache.keys[layer], cache.values[layer]
        where = slots[:, None].expand(rows, steps)
        keys[where, :, positions] = k.transpose(1, 2).to(keys.dtype)
        values[where, :, positions] = v.transpose(1, 2).to(values.dtype)
        seen = int(positions.max()) + 1  # no row attends past the furthest position written
        k_all = keys[slots, :, :seen].repeat_interleave(per_group, dim=1)
        v_all = values[slots, :, :seen].repeat_interleave(per_group, dim=1)
        allowed = torch.arange(seen, device=x.device)[None, None, :] <= positions[:, :, None]  # causal, per row
        y = functional.scaled_dot_product_attention(
            q, k_all.to(q.dtype), v_all.to(q.dtype), attn_mask=allowed[:, None], scale=1.0 / math.sqrt(config.head_size)
        )
        return self.proj(y.transpose(1, 2).reshape(rows, steps, config.n_head * config.head_size))


class Block(nn.Module):
    def __init__(self, config: MiniOmniConfig) -> None:
        super().__init__()
        self.norm_1 = RMSNorm(config.n_embd, config.norm_eps)
        self.attn = Attention(config)
        self.norm_2 = RMSNorm(config.n_embd, config.norm_eps)
        self.mlp = SwiGLU(config.n_embd, config.intermediate_size, config.n_embd, config.bias)

    def forward(self, x, cos, sin, layer, cache, slots, positions) -> torch.Tensor:
        x = x + self.attn(self.norm_1(x), cos, sin, layer, cache, slots, positions)
        return x + self.mlp(self.norm_2(x))


class MiniOmni(nn.Module):
    def __init__(self, config: MiniOmniConfig) -> None:
        super().__init__()
        self.config = config
        if config.asr_adapter == "llamamlp":
            self.whisper_adapter = SwiGLU(
                config.whisper_adapter_dim, config.intermediate_size, config.n_embd, config.bias
            )
        else:
            self.whisper_adapter = nn.Linear(config.whisper_adapter_dim, config.n_embd)
        self.lm_head = nn.Linear(config.n_embd, config.padded_vocab_size, bias=config.lm_head_bias)
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(config.padded_vocab_size, config.n_embd),
                h=nn.ModuleList(Block(config) for _ in range(config.n_layer)),
                ln_f=RMSNorm(config.n_embd, config.norm_eps),
            )
        )
        if config.tie_word_embeddings:
            self.lm_head.weight = self.transformer.wte.weight
        cos, sin = rope_tables(config)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)

    def embed(self, rows: torch.Tensor, features: torch.Tensor | None = None, frames: list[int] | None = None):
        """(batch, 8, steps) ids → (batch, steps, width): each row through the one table; where a row's
        prompt holds speech, the audio rows' positions 1…frames are the adapted Whisper features instead; the
        eight rows averaged."""
        x = self.transformer.wte(rows)  # (batch, 8, steps, width)
        if features is not None:
            adapted = self.whisper_adapter(features.to(x.dtype))
            for row, count in enumerate(frames or []):
                if count:
                    x[row, :AUDIO_ROWS, 1 : count + 1] = adapted[row, :count]
        x = x.mean(dim=1)
        return x * self.config.n_embd**0.5 if self.config.scale_embeddings else x

    def forward(self, x: torch.Tensor, cache: SlotCache, slots: torch.Tensor, positions: torch.Tensor):
        """The hidden state after the last block of each row's last position: (batch, width). `positions`
        (batch, steps): where each row's steps go in its slot."""
        cos, sin = self.cos[positions].to(x.dtype), self.sin[positions].to(x.dtype)
        for layer, block in enumerate(self.transformer.h):
            x = block(x, cos, sin, layer, cache, slots, positions)
        return self.transformer.ln_f(x[:, -1])

    def text_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        weight = self.lm_head.weight[: self.config.text_vocab_size]
        return functional.linear(hidden, weight).float()

    def audio_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """(batch, 7 layers, 4160)."""
        weight = self.lm_head.weight[self.config.text_vocab_size :]
        return functional.linear(hidden, weight).float().view(-1, AUDIO_ROWS, AUDIO_LAYER)


def rope_tables(config: MiniOmniConfig) -> tuple[torch.Tensor, torch.Tensor]:
    dims = config.rope_dims
    theta = 1.0 / (config.rope_base ** (torch.arange(0, dims, 2).float() / dims))
    angles = torch.outer(torch.arange(config.block_size) / config.rope_condense_ratio, theta).repeat(1, 2)
    return torch.cos(angles), torch.sin(angles)


def _rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, dims: int) -> torch.Tensor:
    """Rotary positions (rotate-half) on the first `dims` of each head; cos/sin are (rows, steps, dims)."""
    turned, kept = x[..., :dims], x[..., dims:]
    half = dims // 2
    rotated = torch.cat((-turned[..., half:], turned[..., :half]), dim=-1)
    roped = turned * cos[:, None] + rotated * sin[:, None]
    return torch.cat((roped.to(x.dtype), kept), dim=-1)
