"""The one place that talks HTTP to a language model: any OpenAI-compatible chat-completions endpoint
(`POST {base_url}/chat/completions` with a bearer key), asked to answer by calling one function.

Standard library only (urllib): one request per turn needs no client library. Every failure — not
configured, unreachable, too slow, an HTTP error, an answer that is not the function call asked for — is a
`ChatError`, whose message never contains the API key (the endpoint's own error text is cleaned of it too).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings


class ChatError(Exception):
    """The model gave no usable answer. `permanent`: asking again will not help (configuration, a refused key,
    a bad request) rather than a passing failure (timeout, 5xx, a malformed answer)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class ChatEndpoint:
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    timeout: float = 3.0

    def redact(self, text: str) -> str:
        """`text` without the API key (some services quote the key they refused)."""
        return text.replace(self.api_key, "[key]") if self.api_key else text

    def missing(self) -> str:
        """Why this endpoint cannot be used ("" when it can)."""
        if not self.base_url:
            return "LLM_BASE_URL is not set"
        if not self.model:
            return "no model is named (LLM_MODEL, or the script's own)"
        return ""


def chat_endpoint(*, model: str = "") -> ChatEndpoint:
    """The endpoint from settings; `model` (a script's own) overrides LLM_MODEL."""
    return ChatEndpoint(
        base_url=settings.LLM_BASE_URL.rstrip("/"),
        model=(model or "").strip() or settings.LLM_MODEL,
        api_key=settings.LLM_API_KEY,
        timeout=settings.LLM_TIMEOUT_SECONDS,
    )


def chat_function_call(*, endpoint: ChatEndpoint, messages: list[dict], function: dict[str, Any]) -> dict[str, Any]:
    """Ask the model to answer `messages` by calling `function` (a JSON-schema function declaration) and
    return the arguments it called it with."""
    payload = payload_for(
        endpoint, messages, [function], tool_choice={"type": "function", "function": {"name": function["name"]}}
    )
    answer = _post(endpoint, "/chat/completions", payload)
    return _arguments_of(answer, function["name"])


def payload_for(endpoint: ChatEndpoint, messages: list[dict], functions: list[dict], **choices: Any) -> dict:
    """A chat-completions request offering `functions` as tools; `choices`: tool_choice, stream."""
    tools = [{"type": "function", "function": function} for function in functions]
    return {"model": endpoint.model, "messages": messages, "tools": tools, **choices, "temperature": 0}


def _post(endpoint: ChatEndpoint, path: str, payload: dict) -> Any:
    with requested(endpoint, path, payload, accept="application/json") as response:
        body = read_or_fail(endpoint, response.read)
    try:
        return json.loads(body)
    except ValueError:
        raise ChatError("The language model's answer is not JSON.") from None


def _arguments_of(answer: Any, name: str) -> dict[str, Any]:
    try:
        message = answer["choices"][0]["message"]
        calls = message.get("tool_calls") or []
    except (KeyError, IndexError, TypeError, AttributeError):
        raise ChatError("The language model's answer has no message.") from None
    if not calls:  # an engine that ignores a forced tool choice (Ollama) may answer the arguments as JSON text
        written = json_in_text(message.get("content"))
        if isinstance(written, dict) and isinstance(written.get("arguments"), dict):
            written = written["arguments"]  # {"name": ..., "arguments": {...}}, as some templates write a call
        if written is not None:
            return written
    for call in calls:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(function, dict) and function.get("name") == name:
            raw = function.get("arguments")
            try:
                arguments = json.loads(raw) if isinstance(raw, str) else raw
            except ValueError:
                raise ChatError(f"The language model called {name} with arguments that are not JSON.") from None
            if not isinstance(arguments, dict):
                raise ChatError(f"The language model called {name} without an object of arguments.")
            return arguments
    raise ChatError(f"The language model did not call {name}.")


@contextmanager
def requested(endpoint: ChatEndpoint, path: str, payload: dict, *, accept: str):
    """POST `payload` to the endpoint and give the open response (its headers read, its body not yet); every
    failure to get one is a `ChatError` without the key."""
    problem = endpoint.missing()
    if problem:
        raise ChatError(f"The language model is not configured: {problem}.", permanent=True)
    headers = {"Content-Type": "application/json", "Accept": accept}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    if urlsplit(endpoint.base_url).scheme not in ("http", "https"):
        raise ChatError(
            f"LLM_BASE_URL must be an http(s) URL; got {endpoint.redact(endpoint.base_url)!r}.", permanent=True
        )
    request = urllib.request.Request(  # noqa: S310 (http or https, checked above)
        endpoint.base_url + path, data=json.dumps(payload).encode(), headers=headers, method="POST"
    )
    response = read_or_fail(endpoint, lambda: urllib.request.urlopen(request, timeout=endpoint.timeout))  # noqa: S310
    with response:
        yield response


def read_or_fail(endpoint: ChatEndpoint, read: Callable[[], Any]) -> Any:
    """`read()` (opening the request, or reading its answer), its failures made `ChatError`s without the key."""
    try:
        return read()
    except urllib.error.HTTPError as error:
        detail = endpoint.redact(error_text(error))
        raise ChatError(
            f"The language model answered HTTP {error.code}: {detail[:300]}",
            permanent=error.code in (400, 401, 403, 404),
        ) from None
    except TimeoutError:
        raise ChatError(f"The language model did not answer within {endpoint.timeout:g} s.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise ChatError(f"The language model did not answer within {endpoint.timeout:g} s.") from None
        raise ChatError(f"The language model is unreachable: {endpoint.redact(str(error.reason))}") from None
    except (OSError, ValueError) as error:  # a connection reset mid-answer, an odd URL
        raise ChatError(f"The language model request failed: {endpoint.redact(str(error))}") from None


def json_in_text(content: Any) -> dict[str, Any] | None:
    """A JSON object written as the message's text, bare or in a ``` fence; its fields are checked by the caller
    exactly as a tool call's arguments are."""
    if not isinstance(content, str):
        return None
    text = content.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        written = json.loads(text)
    except ValueError:
        return None
    return written if isinstance(written, dict) else None


def error_text(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(2000).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 (the status is enough when the body cannot be read)
        return ""
