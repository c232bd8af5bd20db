"""With a language model configured, a call's summary is the model's — read from the transcript through one
checked function call — and the summary from rules stays whenever the model fails or answers nonsense."""

from __future__ import annotations

import pytest
from django.utils import timezone

from agent.model_summaries import call_summary_by_model
from calls.call_summary import call_summary_write
from calls.models import Call, Turn
from tests.agent.fake_chat import KEY, MODEL, Answer, FakeChat
from tests.calendars.fakes.server import Reply


@pytest.fixture
def chat(settings):
    with FakeChat() as fake:
        settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = fake.base_url, KEY, MODEL
        settings.LLM_TIMEOUT_SECONDS = 2.0
        yield fake


@pytest.fixture
def talked(office, customer):
    call = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended",
                               outcome="callback", answered_by="human", answered_at=timezone.now(), billsec=70)  # fmt: skip
    for index, (speaker, text) in enumerate([
        ("agent", "Hi, this is Ava, an automated assistant. Is this Maria?"),
        ("callee", "Yes, but I'm driving, can you call me back after five?"),
        ("agent", "Of course. We'll call back today at 5 PM. Goodbye."),
    ]):  # fmt: skip
        Turn.objects.create(call=call, index=index, speaker=speaker, text=text)
    return call


def test_the_models_summary_replaces_the_rules_one_when_the_call_ends(chat, talked, django_capture_on_commit_callbacks):
    chat.answer(Answer({"summary": "Maria was driving and asked to be called back after five.",
                        "times_discussed": ["after five"], "objections": ["driving"], "follow_up": "call back after 5 PM",
                        "mood": "neutral"}, function="summarise_call"))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        call_summary_write(call=talked)  # the end's follow-up; then the worker (inline in tests) asks the model
    talked.refresh_from_db()
    assert talked.summary == "Maria was driving and asked to be called back after five."
    assert talked.summary_facts["by"] == "model" and talked.summary_facts["follow_up"] == "call back after 5 PM"
    assert talked.summary_facts["who"] == "Maria" and talked.summary_facts["outcome"] == "Callback scheduled"
    assert chat.answered_ok() and "Outcome: Callback scheduled" in chat.prompts()[0]


def test_nonsense_or_a_failure_keeps_the_summary_from_rules(chat, talked):
    call_summary_write(call=talked)
    chat.answer(
        Answer({"summary": "Fine.", "mood": "ecstatic"}, function="summarise_call"),
        Answer(reply=Reply(500, {"error": {"message": "overloaded"}})),
    )
    before = Call.objects.get(pk=talked.pk).summary
    assert call_summary_by_model(talked.pk) is False
    assert call_summary_by_model(talked.pk) is False
    assert Call.objects.get(pk=talked.pk).summary == before and "mood" in before


def test_without_a_model_nothing_is_asked(settings, talked):
    settings.LLM_BASE_URL = ""
    assert call_summary_by_model(talked.pk) is False
