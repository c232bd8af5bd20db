"""Whole calls in text through Phonify, the dialer, the listener and the agent with the dialogue "Language model
conducts the call", against a local chat-completions endpoint that streams: the model's words reach the callee
in the middle of the call; a model that is late or refuses (HTTP 500) on a turn leaves that
turn to the scripted policy and the call still ends where the callee wants it."""

import pytest

from calendars.models import Appointment
from calls.models import Call
from phonify.personas import Persona, Turn
from tests.agent.fake_chat import KEY, MODEL, FakeChat
from tests.agent.fake_chat_stream import Spoken
from tests.agent.whole_system import dial_all, whole_system


def ann(*turns: Turn) -> Persona:
    return Persona(name="Ann", number="+12025550210", rings=1, turns=turns, hangup_after=300)


@pytest.mark.django_db(transaction=True)
def test_the_models_words_reach_the_callee_mid_call_and_her_clear_pick_is_booked_and_said_back(
    settings, office, script, colleague
):
    script.dialogue_policy, script.facts = "llm_conducts", "Please bring your current policy papers."
    person = ann(
        Turn(say="Yes, speaking."),
        Turn(say="Do I need to bring anything?", after_hearing=("time",)),
        Turn(say="Then the second one.", after_hearing=("papers",)),
    )
    with FakeChat() as chat:
        settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = chat.base_url, KEY, MODEL
        chat.answer(
            Spoken("Yes, please bring your current policy papers. Which of those times suits you?", rate=60),
            Spoken("Good choice.", [("check_time", {"choice_index": 1})]),  # a clear pick the rules heard too
        )
        with whole_system(settings, office, script, [person]):
            dial_all(office, seconds=40)
        call = Call.objects.get()
        said = list(call.turns.values_list("speaker", "text"))
        assert ("agent", "Yes, please bring your current policy papers. Which of those times suits you?") in said, said
        assert said[-1][1].startswith("Good choice. You're all set for") and call.outcome == Call.Outcome.BOOKED
        understood = list(call.turns.filter(speaker="callee").values_list("understood", flat=True))
        assert understood[-1] == "choose (offer 2) · language model: check_time", understood  # the call page's note
        assert Appointment.objects.filter(source_call_uuid=call.uuid).exists()
        assert chat.answered_ok()


@pytest.mark.django_db(transaction=True)
def test_a_late_then_a_refusing_model_leave_their_turns_to_the_script_and_the_call_books(
    settings, office, script, colleague
):
    script.dialogue_policy = "llm_conducts"
    person = ann(
        Turn(say="Yes, speaking."),
        Turn(say="Hmm, what's this about exactly?", after_hearing=("time",)),
        Turn(say="Sorry, what times were those?", after_hearing=("work",)),
        Turn(say="The first one, please.", after_hearing=("work",)),
    )
    with FakeChat() as chat:
        settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = chat.base_url, KEY, MODEL
        settings.LLM_TURN_BUDGET_SECONDS = 0.5
        chat.answer(Spoken("This is about your annual review.", first_delay=2.0))  # late past the budget
        chat.fail_next("POST", "/v1/chat/completions", 500)  # then a refusal: two failures, the rules go on alone
        with whole_system(settings, office, script, [person]):
            dial_all(office, seconds=40)
        call = Call.objects.get()
        said = list(call.turns.values_list("speaker", "text"))
        assert call.outcome == Call.Outcome.BOOKED, said
        assert not any("This is about your annual review." in text for _, text in said)
        streamed = [r for r in chat.requests if (r.json or {}).get("stream")]
        assert len(streamed) == 2  # the late one and the refused one; after two failures the model is left alone
