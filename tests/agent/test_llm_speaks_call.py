"""A whole call in text through Phonify, the dialer, the listener and the agent, with the dialogue "Language
model speaks" against a local chat-completions endpoint: the callee's question the script holds no answer for
is answered from the script's facts in the middle of the call, and the call goes on to its booking."""

import pytest

from calendars.models import Appointment
from calls.models import Call
from phonify.personas import Persona, Turn
from tests.agent.fake_chat import KEY, MODEL, Answer, FakeChat
from tests.agent.whole_system import dial_all, whole_system


@pytest.mark.django_db(transaction=True)
def test_a_question_in_the_middle_of_a_call_is_answered_from_the_facts_and_the_call_books(
    settings, office, script, colleague
):
    script.dialogue_policy = "llm_speaks"
    script.facts = "Please bring your current policy papers.\nSpouses are welcome."
    ann = Persona(
        name="Ann",
        number="+12025550210",
        rings=1,
        turns=(
            Turn(say="Yes, speaking."),
            Turn(say="Do I need to bring anything?", after_hearing=("time",)),
            Turn(say="The first one, please.", after_hearing=("papers",)),
        ),
        hangup_after=300,
    )
    with FakeChat() as chat:
        settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = chat.base_url, KEY, MODEL
        chat.answer(
            {"intent": "unclear"},
            Answer(
                {"known": True, "answer": "Yes, please bring your current policy papers."}, function="answer_question"
            ),
        )
        with whole_system(settings, office, script, [ann]):
            dial_all(office, seconds=30)
        call = Call.objects.get()
        said = list(call.turns.filter(speaker="agent").values_list("text", flat=True))
        answer = next((text for text in said if "policy papers" in text), "")
        assert answer.startswith("Yes, please bring your current policy papers.") and answer.endswith("?")
        assert call.outcome == Call.Outcome.BOOKED, said
        assert Appointment.objects.filter(source_call_uuid=call.uuid).exists()
        conversation = [prompt for prompt in chat.prompts() if not prompt.startswith("You summarise calls")]
        assert chat.answered_ok() and len(conversation) == 2  # (the model may also summarise the ended call)
