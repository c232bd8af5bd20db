"""Where the models run: the GPU when there is one (in half precision), else the CPU (in full precision:
tests, and a host without a card)."""

from __future__ import annotations


def device_and_dtype(preferred: str = ""):
    import torch

    device = preferred or ("cuda" if torch.cuda.is_available() else "cpu")
    return device, torch.float16 if device.startswith("cuda") else torch.float32
