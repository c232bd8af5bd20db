"""The dialogue "Language model conducts the call" against a local chat-completions endpoint that streams its
answers as the API does (server-sent events, tool calls in pieces), with the real tools and the clock pinned to
Tuesday 24 November 2026, 08:00 in New York. The model speaks and calls the tools; the guard rails hold
whatever it says: nothing is booked without the callee's yes to the time read back, no time is said that the
slot finder did not return, no promise beyond the facts, opt-outs never wait for it, and a slow or failing
model leaves the callee no longer silent than the turn's budget."""

import datetime as dt
import logging
import time
import zoneinfo

import pytest

from agent.dialogue.actions import ModelReply
from agent.dialogue.conducting_policy import ConductingPolicy
from agent.dialogue.policy import Hangup, Say, Transfer
from agent.dialogue.question_answers import NOT_IN_THE_FACTS
from calendars.models import Appointment
from customers.models import DoNotCallEntry
from tests.agent.fake_chat_stream import Spoken

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=NEW_YORK)
THURSDAY_NOON = dt.datetime(2026, 11, 26, 12, 0, tzinfo=NEW_YORK)
THURSDAY_AFTER_LUNCH = dt.datetime(2026, 11, 26, 13, 30, tzinfo=NEW_YORK)


@pytest.fixture
def agent(agent, configured):
    """The policy with the dialogue "Language model conducts the call", a 0.6 s turn budget."""
    configured.LLM_TURN_BUDGET_SECONDS = 0.6
    return lambda **script_fields: agent(**{"dialogue_policy": "llm_conducts", **script_fields})


def run(actions) -> tuple[list[str], list]:
    """Carry out a turn as the session does: the model's sentences as they come, then the actions after them."""
    sentences, after = [], []
    for action in actions:
        if isinstance(action, ModelReply):
            while isinstance(part := action.turn.next_part(), str):
                sentences.append(part)
            more_sentences, more = run(part)
            sentences += more_sentences
            after += more
        else:
            after.append(action)
    return sentences, after


def said(actions) -> str:
    return " ".join(action.text for action in actions if isinstance(action, Say))


def ended(actions) -> str | None:
    return next((action.outcome for action in actions if isinstance(action, Hangup)), None)


def greeted(policy) -> list:
    """Maria picks up and says it is her: the scripted greeting and identification, then three times offered."""
    assert "Maria" in said(policy.heard("Hello?"))
    return policy.heard("Yes, speaking.")


def test_the_model_speaks_and_its_tools_find_times_read_back_and_book_on_a_yes(agent, chat, call):
    policy = agent()
    assert isinstance(policy, ConductingPolicy)
    first = greeted(policy)
    assert not any(isinstance(action, ModelReply) for action in first)  # identification is scripted
    chat.answer(
        Spoken(
            "Of course, let me look at Thursday afternoon.",
            [("offer_times", {"weekday": "thursday", "part_of_day": "afternoon"})],
        ),
        Spoken("Noon it is.", [("check_time", {"choice_index": 0})]),
        Spoken("Wonderful.", [("book", {})]),
    )
    sentences, after = run(policy.heard("Do you have anything on Thursday afternoon?"))
    assert sentences == ["Of course, let me look at Thursday afternoon."]
    assert "Thursday, November 26 at noon or Thursday, November 26 at 1:30 PM" in said(after)
    sentences, after = run(policy.heard("The noon one sounds good."))
    assert sentences == ["Noon it is."] and "Just to confirm, Thursday, November 26 at noon. Shall I book it?" in said(
        after
    )
    assert not Appointment.objects.exists()
    sentences, after = run(policy.heard("Yes, please."))
    assert ended(after) == "booked" and "You're all set for Thursday, November 26 at noon" in said(after)
    assert Appointment.objects.get().starts_at == THURSDAY_NOON
    request = chat.requests_to("POST", "/v1/chat/completions")[-1].json
    assert request["stream"] is True and request["tool_choice"] == "auto"
    assert "Read back, waiting for their yes: Thursday 26 November, 12:00" in request["messages"][-1]["content"]
    assert "Yes, please." in request["messages"][-1]["content"] and chat.answered_ok()


@pytest.mark.parametrize(
    "answer",
    [
        Spoken("Great, I'll book you in.", [("book", {})]),  # books with nothing read back
        Spoken("", [("book", {}), ("check_time", {"choice_index": 0})]),
    ],
    ids=["book-with-no-read-back", "book-first-of-two-tools"],
)
def test_a_model_that_books_without_a_read_back_gets_no_booking(agent, chat, answer):
    policy = agent()
    greeted(policy)
    chat.answer(answer)
    sentences, after = run(policy.heard("Hmm, I suppose one of those could work."))
    assert not Appointment.objects.exists() and ended(after) is None


def test_a_model_that_books_when_the_callee_said_no_to_the_read_back_only_reads_it_back_again(agent, chat):
    policy = agent()
    greeted(policy)
    chat.answer(Spoken("", [("check_time", {"choice_index": 0})]), Spoken("Done!", [("book", {})]))
    assert "Just to confirm" in said(run(policy.heard("Put me down for whatever is earliest."))[1])
    sentences, after = run(policy.heard("Hmm, let me think about whether that suits me."))
    assert not Appointment.objects.exists()
    assert said(after).startswith("Sorry, was that a yes for")


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("How about Friday at 3 PM instead?", "invented a time"),
        ("Sure, you're all set for Thursday.", "claims a booking"),
        ("And you'll get a 20 percent discount on your renewal.", "promises a discount"),
    ],
)
def test_words_the_model_may_not_say_are_replaced_by_a_scripted_line(agent, chat, reply, why, caplog):
    policy = agent()
    greeted(policy)
    chat.answer(Spoken(f"Happy to help. {reply} Anything else?", rate=200))
    with caplog.at_level(logging.WARNING):
        sentences, after = run(policy.heard("What can you do for me?"))
    assert sentences == ["Happy to help."], why
    assert reply not in said(after) and "Anything else" not in said(after)
    if "discount" in reply:
        assert said(after).startswith(NOT_IN_THE_FACTS)
    assert not Appointment.objects.exists()
    assert "not said" in caplog.text


def test_a_promise_the_facts_make_may_be_said(agent, chat):
    policy = agent(facts="The review is free of charge.\nPlease bring your policy papers.")
    greeted(policy)
    chat.answer(Spoken("Yes, the review is free of charge. Which time suits you?"))
    sentences, after = run(policy.heard("Does it cost anything?"))
    assert sentences == ["Yes, the review is free of charge.", "Which time suits you?"] and after == []


def test_an_opt_out_is_honoured_by_the_rules_and_the_model_is_not_asked(agent, chat, customer):
    policy = agent()
    greeted(policy)
    before = len(chat.requests)
    sentences, after = run(policy.heard("Just take me off your list, please."))
    assert ended(after) == "do_not_call" and DoNotCallEntry.objects.filter(office=customer.office).exists()
    assert len(chat.requests) == before


def test_a_models_do_not_call_is_asked_about_and_honoured_on_a_yes(agent, chat, customer):
    policy = agent()
    greeted(policy)
    chat.answer(Spoken("", [("do_not_call", {})]))
    sentences, after = run(policy.heard("I'm so tired of all these calls, honestly."))
    assert "Would you like us to stop calling you?" in said(after)
    _, after = run(policy.heard("Yes."))
    assert ended(after) == "do_not_call"


def test_is_this_a_robot_gets_the_scripted_honest_answer(agent, chat):
    policy = agent()
    greeted(policy)
    before = len(chat.requests)
    sentences, after = run(policy.heard("Wait, am I talking to a robot?"))
    assert "automated assistant" in said(after) and len(chat.requests) == before


def test_a_slow_model_leaves_no_more_silence_than_the_budget_and_the_scripted_policy_answers(agent, chat):
    policy = agent()
    greeted(policy)
    chat.answer(Spoken("Let me look.", [("offer_times", {"weekday": "friday"})], first_delay=1.5))
    started = time.monotonic()
    sentences, after = run(policy.heard("Could you do Thursday afternoon?"))
    waited = time.monotonic() - started
    assert sentences == [] and waited < 0.9
    assert "Thursday, November 26 at noon or Thursday, November 26 at 1:30 PM" in said(after)  # the rules' answer


def test_a_model_that_stalls_between_sentences_is_cut_and_the_question_asked_again(agent, chat):
    policy = agent()
    greeted(policy)
    chat.answer(Spoken("Good question.", [("end_call", {"outcome": "not_interested"})], then_wait=1.5))
    sentences, after = run(policy.heard("Hmm, what would we talk about?"))
    assert sentences == ["Good question."] and ended(after) is None
    assert said(after).startswith("Would ")  # the times on offer, asked again


@pytest.mark.parametrize(
    "broken",
    [
        Spoken(raw=[b'data: {"choices": [{"index": 0, "delta": {"content": "Sure'], first_delay=0.05),
        Spoken(raw=[b"data: {not json}\n\n"]),
        Spoken(raw=[b'data: {"error": {"message": "overloaded"}}\n\n']),
        Spoken("", [("check_time", {"hour": 27})]),
        Spoken("", [("launch_rocket", {})]),
    ],
    ids=["cut-short", "not-json", "error-event", "hour-27", "unknown-tool"],
)
def test_a_broken_answer_falls_back_to_the_scripted_policy_and_the_call_goes_on(agent, chat, broken):
    policy = agent()
    greeted(policy)
    chat.answer(broken)
    sentences, after = run(policy.heard("Thursday afternoon, if you have it."))
    assert "Thursday, November 26 at noon or Thursday, November 26 at 1:30 PM" in said(after)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("status", [429, 500])
def test_a_refusing_endpoint_falls_back_and_after_two_failures_the_rules_run_the_call(agent, chat, status):
    policy = agent()
    greeted(policy)
    chat.fail_next("POST", "/v1/chat/completions", status, times=2)
    run(policy.heard("Hmm, what would we talk about?"))
    run(policy.heard("Hmm, what was that?"))
    asked = len(chat.requests)
    _, after = run(policy.heard("Thursday afternoon, if you have it."))
    assert len(chat.requests) == asked and "Thursday, November 26 at noon" in said(after)


def test_the_key_never_reaches_the_log_when_the_endpoint_refuses_it(agent, chat, settings, caplog):
    settings.LLM_API_KEY = "sk-wrong-7d1f0c2e9b8a"
    policy = agent()
    greeted(policy)
    with caplog.at_level(logging.WARNING):
        _, after = run(policy.heard("Hmm, what would we talk about?"))
    assert "sk-wrong-7d1f0c2e9b8a" not in caplog.text and "HTTP 401" in caplog.text
    assert policy.model_off  # a refused key is permanent: the rules run the rest of the call


def test_a_tool_call_written_as_json_in_the_words_is_carried_out_and_never_said(agent, chat):
    policy = agent(transfer_number="+12025550177")
    greeted(policy)
    chat.answer(Spoken(calls=[("transfer", {})], calls_as_text=True))
    sentences, after = run(policy.heard("Hmm, could somebody from your team explain it instead?"))
    assert sentences == [] and "{" not in said(after)
    assert Transfer("+12025550177") in after and policy.outcome == "transferred"


def test_a_long_answer_is_cut_at_the_length_limit(agent, chat):
    policy = agent()
    greeted(policy)
    chat.answer(Spoken(" ".join(["We look forward to seeing you and talking through everything."] * 8)))
    sentences, after = run(policy.heard("Tell me more about it?"))
    assert 1 <= len(sentences) < 8 and sum(len(s.split()) for s in sentences) <= 45


def test_the_model_is_told_the_script_and_the_customer_not_their_number(agent, chat, customer, call):
    policy = agent(facts="Parking is behind the building.")
    greeted(policy)
    chat.answer(Spoken("Parking is behind the building. Which time suits you?"))
    run(policy.heard("Where do I park?"))
    request = chat.requests_to("POST", "/v1/chat/completions")[-1].json
    system = request["messages"][0]["content"]
    assert "Parking is behind the building." in system and "North Insurance" in system
    assert customer.phone not in str(request["messages"])
    roles = [message["role"] for message in request["messages"]]
    assert roles[:3] == ["system", "user", "assistant"] and roles[-1] == "user"  # the scripted greeting is in it


def test_a_model_that_would_skip_the_disclosure_is_never_asked_before_the_scripted_greeting_and_identification(
    agent, chat
):
    chat.brain = lambda messages: Spoken("Hi Maria! Great news: you're booked for Friday at 9.")
    policy = agent(tone="Warm and brief.")
    greeting = said(policy.heard("Hello?"))
    assert "automated assistant" in greeting and "North Insurance" in greeting
    assert "Which time works best" in said(policy.heard("Yes, speaking."))
    assert chat.requests == []
    run(policy.heard("What would it be about?"))
    system = chat.requests[0].json["messages"][0]["content"]
    assert "Tone: Warm and brief." in system and "already greeted" in system


@pytest.mark.parametrize(("model_pick", "booked"), [(0, True), (1, False)], ids=["agree", "disagree"])
def test_a_clear_pick_the_rules_heard_too_is_booked_and_said_back_and_any_disagreement_is_read_back(
    agent, chat, model_pick, booked
):
    policy = agent()
    greeted(policy)
    first, second = policy.offered[0], policy.offered[1]
    chat.answer(Spoken("", [("check_time", {"choice_index": model_pick})]))
    _, after = run(policy.heard("The first one."))
    if booked:
        assert ended(after) == "booked" and Appointment.objects.get().starts_at == first
    else:
        assert not Appointment.objects.exists() and policy.scripted.pending == second
        assert said(after).startswith("Just to confirm")


def test_a_long_first_sentence_is_said_clause_by_clause_as_it_streams(agent, chat):
    policy = agent(facts="Reviews take about half an hour and cover your home, auto and life policies.")
    greeted(policy)
    words = (
        "Reviews take about half an hour and cover your home, auto and life policies, "
        "so we can check nothing has changed since last year and that you are not paying for cover you do not need."
    )
    chat.answer(Spoken(words, rate=30))  # 30 words a second: the sentence's end comes after the turn's budget
    sentences, after = run(policy.heard("How long does it take and what is it for?"))
    assert sentences[0] == "Reviews take about half an hour and cover your home," and len(sentences) >= 3
    assert " ".join(sentences) == words
