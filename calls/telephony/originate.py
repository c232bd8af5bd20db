"""What the dialer asks a switch to dial: one call, with our ids as channel variables (echoed on every event)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OriginateRequest:
    call_uuid: str
    number: str  # E.164
    caller_id_number: str
    caller_id_name: str
    ring_seconds: int
    variables: dict[str, str] = field(default_factory=dict)  # our ids, echoed on every event
