"""An OpenAI-compatible chat-completions endpoint on 127.0.0.1 that checks what it is sent (path, bearer key,
model, the declared function and the forced tool choice, the shape of the messages) and answers what the
test queued: a call of `interpret` with given arguments, after an optional delay, or any raw reply.

A request that breaks the contract is refused the way the real services refuse it (401, 404, 400), so a
test that only looked at the call's outcome would still see the fallback; tests assert `answered_ok()`.
Written from the API's documentation, not from our client: it shares no code with it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests.agent.fake_chat_stream import CONDUCTING_TOOLS, Spoken, streamed_reply
from tests.calendars.fakes.server import FakeServer, RecordedRequest, Refusal, Reply, Route

KEY = "sk-test-7d1f0c2e9b8a4c6d"
MODEL = "tiny-interpreter-1"
THE_INTENTS = {
    "opt_out", "ask_person", "who", "repeat", "callback", "wrong_person", "not_interested", "choose", "yes", "no",
    "unclear",
}  # fmt: skip


@dataclass
class Answer:
    arguments: dict[str, Any] | str | None = None  # a dict is sent JSON-encoded, as the API does; a str as is
    reply: Reply | None = None  # instead of a function call
    delay: float = 0.0
    function: str = "interpret"


class FakeChat(FakeServer):
    def __init__(self, *, key: str = KEY, model: str = MODEL) -> None:
        super().__init__(tls=False)
        self.key, self.model = key, model
        self.answers: list[Answer | Spoken] = []
        self.brain = None  # answers streamed requests when nothing is queued: messages → Spoken

    @property
    def base_url(self) -> str:
        return f"{self.base}/v1"

    def answer(self, *answers: Answer | Spoken | dict) -> None:
        with self.lock:
            self.answers += [item if isinstance(item, Answer | Spoken) else Answer(arguments=item) for item in answers]

    def routes(self) -> list[Route]:
        return [Route("POST", r"/v1/chat/completions", self._complete)]

    def failure_body(self, status: int, request: RecordedRequest) -> Any:
        return {"error": {"message": "The server had an error", "type": "server_error", "code": None}}

    def prompts(self) -> list[str]:
        """Every message's text of every request, joined per request."""
        return [" \n".join(m.get("content") or "" for m in r.json["messages"]) for r in self.requests_to("POST", "/")]

    def answered_ok(self) -> bool:
        return all(request.status == 200 for request in self.requests)

    # -- the endpoint -------------------------------------------------------------------------------------------
    def _complete(self, request: RecordedRequest) -> Reply:
        token = request.bearer_token()
        if token != self.key:
            _refuse(401, f"Incorrect API key provided: {token}.", "invalid_api_key")
        body = request.json
        if not isinstance(body, dict):
            _refuse(400, "We could not parse the JSON body of your request.", "invalid_request_error")
        if body.get("model") != self.model:
            _refuse(404, f"The model `{body.get('model')}` does not exist.", "model_not_found")
        messages = body.get("messages")
        if not messages or any(m.get("role") not in ("system", "user", "assistant") for m in messages):
            _refuse(400, "messages must be a non-empty list of system/user/assistant messages", "invalid_value")
        functions = {tool["function"]["name"]: tool["function"] for tool in body.get("tools") or []}
        if body.get("stream") is True:
            return self._stream(body, functions)
        if "summarise_call" in functions:
            asked = functions["summarise_call"]
            if body.get("tool_choice") != {"type": "function", "function": {"name": "summarise_call"}}:
                _refuse(400, "summarise_call must be chosen", "invalid_value")
            if sorted(asked["parameters"].get("required", ())) != ["mood", "summary"]:
                _refuse(400, "summarise_call must require summary and mood", "invalid_value")
        elif "answer_question" in functions:
            asked = functions["answer_question"]
            if body.get("tool_choice") != {"type": "function", "function": {"name": "answer_question"}}:
                _refuse(400, "answer_question must be chosen", "invalid_value")
            if sorted(asked["parameters"].get("required", ())) != ["answer", "known"]:
                _refuse(400, "answer_question must require known and answer", "invalid_value")
        else:
            interpret = functions.get("interpret")
            chosen = body.get("tool_choice") == {"type": "function", "function": {"name": "interpret"}}
            if interpret is None or not chosen:
                _refuse(400, "interpret must be declared and chosen", "invalid_value")
            intent = interpret["parameters"]["properties"]["intent"]
            if set(intent.get("enum", ())) != THE_INTENTS or interpret["parameters"].get("required") != ["intent"]:
                _refuse(400, "interpret's intent must be required and enumerate the intents", "invalid_value")
        with self.lock:  # a streamed reply queued for the conducting model is left for it
            queued = next((item for item in self.answers if isinstance(item, Answer)), None)
            if queued is not None:
                self.answers.remove(queued)
        answer = queued or Answer({"intent": "unclear"})
        if answer.delay:
            time.sleep(answer.delay)
        if answer.reply is not None:
            return answer.reply
        arguments = answer.arguments if isinstance(answer.arguments, str) else json.dumps(answer.arguments)
        number = len(self.requests)
        return Reply(
            200,
            {
                "id": f"chatcmpl-{number}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": None,
                            "tool_calls": [
                                {
                                    "id": f"call_{number}",
                                    "type": "function",
                                    "function": {"name": answer.function, "arguments": arguments},
                                }
                            ],
                        },
                        "finish_reason": "tool_calls",
                    }
                ],
                "usage": {"prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220},
            },
        )

    def _stream(self, body: dict, functions: dict) -> Reply:
        """The conducting model: the seven tools declared, the model free to choose ("auto"), every message's
        content a string (the tools' results come back as the agent's words, never as tool messages)."""
        if set(functions) != CONDUCTING_TOOLS or body.get("tool_choice") != "auto":
            _refuse(400, "the conducting tools must be declared and the choice left to the model", "invalid_value")
        if any(not isinstance(m.get("content"), str) for m in body["messages"]):
            _refuse(400, "every message needs its content", "invalid_value")
        if body["messages"][0]["role"] != "system" or body["messages"][-1]["role"] != "user":
            _refuse(400, "the instructions first, the callee's words last", "invalid_value")
        with self.lock:
            queued = self.answers.pop(0) if self.answers and isinstance(self.answers[0], Spoken) else None
        spoken = queued or (
            self.brain(body["messages"]) if self.brain else Spoken(text="Sorry, could you say that again?")
        )
        return streamed_reply(spoken, model=self.model, number=len(self.requests))


def _refuse(status: int, message: str, code: str) -> None:
    raise Refusal(Reply(status, {"error": {"message": message, "type": "invalid_request_error", "code": code}}))
