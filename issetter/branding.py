"""An office's look: its accent colour and logo. Logos are raster images only (PNG, JPEG, GIF, WebP),
told by their first bytes — an SVG can carry script, so it is refused however it is named."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

LOGO_MAX_BYTES = 256 * 1024
DEFAULT_ACCENT = "#1f5fae"
ACCENT = re.compile(r"#[0-9a-fA-F]{6}")
RASTER_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def validate_accent_colour(value: str) -> None:
    if not ACCENT.fullmatch(value or ""):
        raise ValidationError("Write the colour as # and six hexadecimal digits, e.g. #1f5fae.", code="colour")


def logo_content_type(data: bytes) -> str:
    """The image type of an uploaded logo, or a ValidationError that says why it cannot be one."""
    if not data:
        raise ValidationError("The logo file is empty.", code="logo_empty")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            "The logo is %(size)d KB; at most %(limit)d KB please.",
            code="logo_size",
            params={"size": len(data) // 1024, "limit": LOGO_MAX_BYTES // 1024},
        )
    for signature, content_type in RASTER_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise ValidationError("SVG logos are not accepted (they can carry scripts): upload a PNG or JPEG.", code="svg")
    raise ValidationError("The logo must be a PNG, JPEG, GIF or WebP image.", code="logo_type")


def accent_text_colour(accent: str) -> str:
    """Black or white, whichever reads better on the accent (WCAG relative luminance)."""
    channels = [int(accent[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"
