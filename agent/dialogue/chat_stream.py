"""A chat-completions request answered as a stream (server-sent events), read as it comes: the reply's words
piece by piece, then the tools it called. For the policy in which the model conducts the call
(`conducting_policy.py`), whose first sentence goes to the voice before the model has finished.

Standard library only, like `chat_client.py`, whose endpoint, errors and key-hiding it shares. Tool calls come
as deltas (an id and a name, then the arguments in pieces, by index) and are put together here; an engine that
writes its tool call as JSON in the text instead (Ollama, llama.cpp without `--jinja`) is read the same way at
the end — text that starts like JSON is held back, never spoken.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from agent.dialogue.chat_client import ChatEndpoint, ChatError, json_in_text, payload_for, requested

LONGEST_STREAM = 64_000  # bytes of events: a reply that goes on past this is cut


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Words:
    text: str  # the next piece of the reply's words


@dataclass(frozen=True)
class Called:
    calls: tuple[ToolCall, ...]  # the tools the reply called (empty: words only); always the last event


def chat_stream(*, endpoint: ChatEndpoint, messages: list[dict], tools: list[dict]) -> Iterator[Words | Called]:
    """Ask the model for a reply to `messages`, free to speak and to call `tools` (JSON-schema function
    declarations), and yield its words as they come, then `Called`. Every failure is a `ChatError` raised from
    the iteration; the caller stops reading (closing the generator closes the connection) when it has enough."""
    payload = payload_for(endpoint, messages, tools, tool_choice="auto", stream=True)
    with requested(endpoint, "/chat/completions", payload, accept="text/event-stream") as response:
        yield from _events(response, endpoint)


def _events(response, endpoint: ChatEndpoint) -> Iterator[Words | Called]:
    pieces: dict[int, dict[str, Any]] = {}  # tool calls being put together, by index
    held = ""  # text that looks like a tool call written as JSON: never spoken
    holding: bool | None = None  # decided on the first non-blank text
    read = 0
    finished = False
    try:
        for raw in response:
            read += len(raw)
            if read > LONGEST_STREAM:
                raise ChatError("The language model's reply went on too long.")
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data:"):
                continue  # comments (": keep-alive"), event names, blank separators
            data = line[5:].strip()
            if data == "[DONE]":
                finished = True
                break
            try:
                event = json.loads(data)
            except ValueError:
                raise ChatError("The language model's stream has an event that is not JSON.") from None
            if isinstance(event, dict) and "error" in event:
                message = event["error"].get("message", "") if isinstance(event["error"], dict) else event["error"]
                raise ChatError(f"The language model's stream ended with an error: {endpoint.redact(str(message))}")
            delta = _delta(event)
            for call in delta.get("tool_calls") or ():
                _add_piece(pieces, call)
            text = delta.get("content")
            if isinstance(text, str) and text:
                if holding is None and text.strip():
                    holding = text.lstrip().startswith(("{", "```", "["))
                if holding:
                    held += text
                else:
                    yield Words(text)
    except TimeoutError:
        raise ChatError(f"The language model stopped answering for {endpoint.timeout:g} s.") from None
    except OSError as error:
        raise ChatError(f"The language model's stream broke: {endpoint.redact(str(error))}") from None
    if not finished and not pieces and not held:
        raise ChatError("The language model's stream ended before it was done.")
    calls = [_tool_call(piece) for _, piece in sorted(pieces.items())]
    if held:
        written = json_in_text(held)
        if written is None or not isinstance(written.get("name"), str):
            raise ChatError("The language model wrote something like a tool call that could not be read.")
        calls.append(ToolCall(written["name"], _object(written.get("arguments") or written.get("parameters") or {})))
    yield Called(tuple(calls))


def _delta(event: Any) -> dict[str, Any]:
    try:
        delta = event["choices"][0].get("delta") or {}
    except (KeyError, IndexError, TypeError, AttributeError):
        return {}  # a usage-only chunk, or one with no choices
    return delta if isinstance(delta, dict) else {}


def _add_piece(pieces: dict[int, dict[str, Any]], call: Any) -> None:
    if not isinstance(call, dict):
        raise ChatError("The language model's stream has a tool call that is not an object.")
    index = call.get("index", len(pieces))
    piece = pieces.setdefault(index if isinstance(index, int) else len(pieces), {"name": "", "arguments": ""})
    function = call.get("function") or {}
    if function.get("name"):
        piece["name"] += function["name"]
    if isinstance(function.get("arguments"), str):
        piece["arguments"] += function["arguments"]
    elif isinstance(function.get("arguments"), dict):  # some engines send the object itself
        piece["arguments"] = json.dumps(function["arguments"])


def _tool_call(piece: dict[str, Any]) -> ToolCall:
    if not piece["name"]:
        raise ChatError("The language model called a tool without naming it.")
    try:
        arguments = json.loads(piece["arguments"]) if piece["arguments"].strip() else {}
    except ValueError:
        raise ChatError(f"The language model called {piece['name']} with arguments that are not JSON.") from None
    return ToolCall(piece["name"], _object(arguments))


def _object(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            raise ChatError("The language model's tool arguments are not JSON.") from None
    if not isinstance(arguments, dict):
        raise ChatError("The language model's tool arguments are not an object.")
    return arguments
