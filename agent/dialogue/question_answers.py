"""The language model answers a callee's question that the script holds no answer for — "Do I need to bring
anything?", "Can my husband come too?" — from the facts the office wrote on the script, in the script's voice.

It is asked through one function, `answer_question(known, answer)`: what it may say, or that the facts do not
say. Its answer is then checked in code (`model_words_allowed` with the facts): a time, day, number, price or
promise the facts do not state, a word about booking, cancelling or opting out, or more than 45 words, and the
answer is not said. Where it does not know, fails, is refused or is late past LLM_TIMEOUT_SECONDS, the callee
hears a scripted line; either way the script's question follows."""

from __future__ import annotations

import logging

from agent.dialogue.actions import Lines
from agent.dialogue.chat_client import ChatEndpoint, ChatError, chat_function_call
from agent.dialogue.model_answers import model_words_allowed

log = logging.getLogger(__name__)

ANSWER_QUESTION = {
    "name": "answer_question",
    "description": "Answer the callee's question from the office's facts, or say that the facts do not answer it.",
    "parameters": {
        "type": "object",
        "properties": {
            "known": {"type": "boolean", "description": "Whether the facts answer the question."},
            "answer": {"type": "string", "description": "One or two short spoken sentences; empty if not known."},
        },
        "required": ["known", "answer"],
    },
}
NOT_IN_THE_FACTS = "I don't have that information, but someone from our office can tell you."


def question_prompt(lines: Lines) -> str:
    facts = "\n".join(f"- {fact}" for fact in lines.facts) or "- (none)"
    return (
        f"You are {lines.agent_name}, an automated assistant on a phone call on behalf of {lines.office_name}, "
        f"calling {lines.first_name} to set up their {lines.appointment or 'appointment'}. The callee asked a "
        "question. Answer it in one or two short, friendly spoken sentences, using only these facts about the "
        f"office:\n{facts}\n"
        "If the facts do not answer it, call answer_question with known=false. Never name a day, a time, a "
        "price, a discount or any promise that the facts do not state, and never say that anything is booked, "
        "moved or cancelled: the call's tools do that."
    )


def answer_from_facts(*, endpoint: ChatEndpoint, lines: Lines, question: str) -> str:
    """What to say to the question: the model's answer when it passes the checks, else a scripted line."""
    try:
        arguments = chat_function_call(
            endpoint=endpoint,
            messages=[{"role": "system", "content": question_prompt(lines)}, {"role": "user", "content": question}],
            function=ANSWER_QUESTION,
        )
    except ChatError as error:
        log.warning("agent: the language model could not answer a question: %s", endpoint.redact(str(error)))
        return NOT_IN_THE_FACTS
    answer = arguments.get("answer")
    if arguments.get("known") is not True or not isinstance(answer, str) or not answer.strip():
        return NOT_IN_THE_FACTS
    if not model_words_allowed(answer, lines.facts):
        log.warning("agent: the language model's answer was not said: %r", answer)
        return NOT_IN_THE_FACTS
    return answer.strip()
