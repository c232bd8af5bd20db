"""Streamed chat-completions answers for the local endpoint (`fake_chat.FakeChat`): server-sent events as the
API documents them — a first chunk with the role, the words a few at a time at a set rate, tool calls as
deltas (the id and name first, the arguments in pieces), the finish reason, then `data: [DONE]` — or any raw
events a test writes (cut short, malformed, an error event)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from tests.calendars.fakes.server import Reply, Streamed

CONDUCTING_TOOLS = {"offer_times", "check_time", "book", "callback", "do_not_call", "transfer", "end_call"}


@dataclass
class Spoken:
    """A streamed reply: words, then tool calls ((name, arguments) pairs)."""

    text: str = ""
    calls: list[tuple[str, dict]] = field(default_factory=list)
    first_delay: float = 0.05  # before the first chunk (time to first token)
    rate: float = 0.0  # words per second after it; 0: all words in one chunk
    raw: list[bytes] | None = None  # these events instead, as written
    calls_as_text: bool = False  # the tool call written as JSON in the words, as engines without tool parsing do
    then_wait: float = 0.0  # after the words and before the tool calls (a model still thinking)


def streamed_reply(spoken: Spoken, *, model: str, number: int) -> Reply:
    if spoken.raw is not None:
        return Reply(200, Streamed([(spoken.first_delay, piece) for piece in spoken.raw]))
    base = {"id": f"chatcmpl-{number}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

    def chunk(delta: dict, finish: str | None = None) -> bytes:
        event = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(event).encode() + b"\n\n"

    pieces = [(spoken.first_delay, chunk({"role": "assistant", "content": ""}))]
    text = spoken.text
    if spoken.calls_as_text and spoken.calls:
        name, arguments = spoken.calls[0]
        text = json.dumps({"name": name, "arguments": arguments})
    words = text.split(" ") if text else []
    if spoken.rate and words:
        pieces += [(1 / spoken.rate, chunk({"content": (" " if i else "") + word})) for i, word in enumerate(words)]
    elif words:
        pieces.append((0.0, chunk({"content": text})))
    if spoken.calls and not spoken.calls_as_text:
        for index, (name, arguments) in enumerate(spoken.calls):
            encoded = json.dumps(arguments)
            half = len(encoded) // 2
            opening = {"index": index, "id": f"call_{number}_{index}", "type": "function"}
            pieces.append(
                (spoken.then_wait, chunk({"tool_calls": [{**opening, "function": {"name": name, "arguments": ""}}]}))
            )
            pieces.append((0.0, chunk({"tool_calls": [{"index": index, "function": {"arguments": encoded[:half]}}]})))
            pieces.append((0.0, chunk({"tool_calls": [{"index": index, "function": {"arguments": encoded[half:]}}]})))
    finish = "tool_calls" if spoken.calls and not spoken.calls_as_text else "stop"
    pieces.append((0.0, chunk({}, finish)))
    pieces.append((0.0, b"data: [DONE]\n\n"))
    return Reply(200, Streamed(pieces))
