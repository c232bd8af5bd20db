"""Which dialogue policy a call gets: the script's choice (`Script.dialogue_policy`), scripted by default; "llm"
the language model interpreting; "llm_speaks" it also answering questions from the script's facts;
"llm_conducts" the model conducting the call inside the scripted guard rails (`conducting_policy.py`).

A script that asks for the language model when no model is configured (LLM_BASE_URL, and a model name from
LLM_MODEL or the script) still gets its calls made, by the scripted policy; the reason is logged once per
process rather than on every call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from agent.dialogue.chat_client import chat_endpoint
from agent.dialogue.conducting_policy import ConductingPolicy
from agent.dialogue.llm_policy import LanguageModelPolicy
from agent.dialogue.policy import Lines, ScriptedPolicy, Tools

log = logging.getLogger(__name__)

_told: set[str] = set()
_told_lock = threading.Lock()


MODEL_POLICIES = ("llm", "llm_speaks", "llm_conducts")


def policy_for(
    *, script, lines: Lines, tools: Tools, profile: Callable[[], str] = str
) -> ScriptedPolicy | LanguageModelPolicy | ConductingPolicy:
    """`profile`: what the conducting model is told about the customer (worked out only for that policy)."""
    if script is None or script.dialogue_policy not in MODEL_POLICIES:
        return ScriptedPolicy(lines=lines, tools=tools)
    endpoint = chat_endpoint(model=script.llm_model)
    problem = endpoint.missing()
    if problem:
        _tell_once(
            problem,
            f"Script {script.name!r} asks for the language model, but {problem}: its calls use the scripted policy.",
        )
        return ScriptedPolicy(lines=lines, tools=tools)
    if script.dialogue_policy == "llm_conducts":
        return ConductingPolicy(lines=lines, tools=tools, endpoint=endpoint, profile=profile())
    speaks = script.dialogue_policy == "llm_speaks"
    return LanguageModelPolicy(lines=lines, tools=tools, endpoint=endpoint, speaks=speaks)


def _tell_once(key: str, message: str) -> None:
    with _told_lock:
        if key in _told:
            return
        _told.add(key)
    log.warning(message)
