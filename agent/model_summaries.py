"""A call's summary by the language model, when one is configured (LLM_BASE_URL): after the summary from rules
is written, the model reads the transcript and the outcome and says, through one function call, the times
discussed, the objections, the follow-up asked for, the mood and one sentence. Its answer is checked (a mood
from the list, short strings, at most eight items) and replaces those fields; who answered and the outcome stay
the record's. Any failure keeps the summary from rules."""

from __future__ import annotations

import logging

from django.conf import settings

from agent.dialogue.chat_client import ChatError, chat_endpoint, chat_function_call
from calls.call_summary import MOODS, summary_follower
from calls.models import Call

log = logging.getLogger(__name__)

SUMMARY_FUNCTION = {
    "name": "summarise_call",
    "description": "Summarise the phone call from its transcript only. Never invent what was not said.",
    "parameters": {
        "type": "object",
        "properties": {
            "summary": {"type": "string", "description": "One sentence a colleague reads at a glance."},
            "times_discussed": {"type": "array", "items": {"type": "string"}},
            "objections": {"type": "array", "items": {"type": "string"}},
            "follow_up": {"type": "string", "description": "What the callee asked us to do next, or empty."},
            "mood": {"type": "string", "enum": list(MOODS)},
        },
        "required": ["summary", "mood"],
    },
}
LONGEST = 300
ITEM = 80
ITEMS = 8


def _items(value) -> list[str]:
    return [str(item).strip()[:ITEM] for item in (value if isinstance(value, list) else []) if str(item).strip()][
        :ITEMS
    ]


def call_summary_by_model(call_id) -> bool:
    """Summarise the call with the model; True when its summary was written."""
    call = Call.objects.filter(pk=call_id).select_related("customer").first()
    if call is None or not settings.LLM_BASE_URL:
        return False
    transcript = "\n".join(f"{t.get_speaker_display()}: {t.text}" for t in call.turns.order_by("index"))
    if not transcript:
        return False
    outcome = Call.Outcome(call.final_outcome).label if call.final_outcome else "no outcome"
    messages = [
        {
            "role": "system",
            "content": "You summarise calls an automated assistant made for an office. Say only "
            "what the transcript shows; the outcome is given.",
        },  # fmt: skip
        {"role": "user", "content": f"Outcome: {outcome}\nTranscript:\n{transcript[:6000]}"},
    ]
    try:
        said = chat_function_call(endpoint=chat_endpoint(), messages=messages, function=SUMMARY_FUNCTION)
    except ChatError as problem:
        log.warning("call %s: no summary from the language model (%s)", call_id, problem)
        return False
    summary = str(said.get("summary") or "").strip()[:LONGEST]
    mood = said.get("mood")
    if not summary or mood not in MOODS:
        log.warning("call %s: the language model's summary was not usable; the summary from rules stays", call_id)
        return False
    facts = {
        **call.summary_facts,
        "times_discussed": _items(said.get("times_discussed")),
        "objections": _items(said.get("objections")),
        "follow_up": str(said.get("follow_up") or "").strip()[:ITEM],
        "mood": mood,
        "by": "model",
    }
    Call.objects.filter(pk=call.pk).update(summary=summary, summary_facts=facts)
    return True


def model_summary_enqueue(call_id) -> None:
    """The summary follower: with a model configured, the worker writes its summary (not on the listener's time)."""
    if settings.LLM_BASE_URL:
        from django_q.tasks import async_task

        async_task("agent.model_summaries.call_summary_by_model", str(call_id), task_name=f"summary-{call_id}")


summary_follower(model_summary_enqueue)
