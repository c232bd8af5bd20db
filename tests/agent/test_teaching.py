"""The learning loop: the Improve page gathers what the agent did not understand; staff teach what a phrase
means; the teaching is checked against the phrasing table at once (one that would unsettle what the agent
understands today is refused, with the sentences), then on whole calls; a live teaching changes the next call."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agent.models import Teaching
from agent.script_lines import taught_meanings
from agent.teaching import teaching_add
from agent.teaching_check import persona_results
from calls.models import Call, Turn
from callscripts.models import Script
from tests.agent.test_dialogue import ended, said
from tests.conftest import client_for


def unheard(office, customer, text: str) -> Call:
    call = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended")
    Turn.objects.create(call=call, index=0, speaker="agent", text="Is this Maria?")
    Turn.objects.create(call=call, index=1, speaker="callee", text=text, understood="unclear")
    Turn.objects.create(call=call, index=2, speaker="agent", text="I'm sorry, I'm having trouble understanding.")
    return call


def live(office, phrase: str, meaning: str) -> Teaching:
    """A teaching as it stands once its checks passed."""
    version = Teaching.objects.filter(office=office).count() + 1
    return Teaching.objects.create(office=office, version=version, phrase=phrase, meaning=meaning, status="live")


def test_the_page_gathers_what_was_not_understood_and_the_weekly_rate(colleague, office, customer):
    unheard(office, customer, "Count me out.")
    unheard(office, customer, "count me out")
    page = client_for(colleague).get(reverse("improve:page"))
    groups = page.context["groups"]
    assert (groups[0].words, groups[0].times) == ("count me out", 2)
    assert page.context["weeks"][-1]["rate"] == 100.0
    assert len(page.context["gave_up"]) == 2


def test_a_teaching_waits_for_its_checks_before_a_call_uses_it(office, colleague):
    teaching = teaching_add(office=office, phrase="count me out", meaning="not_interested", author=colleague)
    assert (teaching.version, teaching.status) == (1, "checking") and "read as before" in teaching.reason
    assert taught_meanings(office_id=office.pk) == ()


def test_a_live_teaching_changes_the_next_call(office, agent, call):
    live(office, "count me out", "not_interested")
    policy = agent()
    said(policy.heard("Hello?"))
    said(policy.heard("Yes, speaking."))
    assert ended(policy.heard("Nah, count me out.")) == "declined"


def test_a_teaching_that_unsettles_what_is_understood_is_refused_with_the_sentences(office, colleague):
    teaching = teaching_add(office=office, phrase="yes", meaning="no", author=colleague)
    assert teaching.status == "refused"
    assert "“Yes, speaking.” (yes → no)" in teaching.reason and "Teach a longer phrase" in teaching.reason
    assert teaching_add(office=office, phrase="the early one", meaning="first").version == 2


def test_no_teaching_hides_an_opt_out(office, agent, call):
    live(office, "stop calling me tomorrow", "callback")
    policy = agent()
    said(policy.heard("Hello?"))
    said(policy.heard("Yes, speaking."))
    assert ended(policy.heard("Stop calling me tomorrow.")) == "do_not_call"  # never taken as a callback


def test_an_answer_joins_the_script_and_a_withdrawn_teaching_stops(colleague, office):
    script = Script.objects.create(office=office, name="Review")
    client = client_for(colleague)
    client.post(reverse("improve:teach"), {"phrase": "is it free", "meaning": "answer", "script": script.pk,
                                           "answer": "Yes, the review costs nothing."})  # fmt: skip
    script.refresh_from_db()
    assert script.objection_answers["is it free"] == "Yes, the review costs nothing."
    taught = live(office, "count me out", "not_interested")
    client.post(reverse("improve:withdraw", args=[taught.pk]))
    assert taught_meanings(office_id=office.pk) == ()
    refused = client.post(reverse("improve:teach"), {"phrase": "is it far", "meaning": "answer"}, follow=True)
    assert "Choose the script that answers it" in refused.text


@pytest.mark.simulates
def test_whole_calls_decide_whether_it_goes_live(office, colleague, django_capture_on_commit_callbacks):
    """tests/agent/teaching_personas.yaml: Ann says "Count me out." (not understood today), Bo "Sure thing." (a yes)."""
    with django_capture_on_commit_callbacks(execute=True):  # the worker (inline in tests) checks it
        helps = teaching_add(office=office, phrase="count me out", meaning="not_interested", author=colleague)
    helps.refresh_from_db()
    assert (
        helps.status == "live" and "the 2 personas of tests/agent/teaching_personas.yaml go as before" in helps.reason
    )
    personas = "tests/agent/teaching_personas.yaml"  # Ann's call: not as expected before, as expected after
    assert persona_results(personas=personas, text=True, taught=[])["ann-counts-herself-out"] is False
    assert persona_results(personas=personas, text=True, taught=[("count me out", "not_interested")])[
        "ann-counts-herself-out"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        harms = teaching_add(office=office, phrase="sure thing", meaning="no", author=colleague)
    harms.refresh_from_db()
    assert harms.status == "refused" and "In text, it breaks bo-says-sure-thing" in harms.reason
    assert taught_meanings(office_id=office.pk) == (("count me out", "not_interested"),)


@pytest.mark.simulates
def test_after_text_it_is_checked_in_audio_before_it_goes_live(office, settings):
    from agent.teaching_check import teaching_audio_check

    settings.TEACHING_CHECK_AUDIO_PERSONAS = "tests/agent/teaching_audio_persona.yaml"
    checking = Teaching.objects.create(office=office, version=1, phrase="count me out", meaning="not_interested",
                                       status="checking", reason="In text, the 2 personas … go as before.")  # fmt: skip
    assert taught_meanings(office_id=office.pk) == ()  # not yet
    outcome = teaching_audio_check(checking.pk)
    checking.refresh_from_db()
    assert outcome == "live", checking.audio_check
    assert checking.status == "live"
    assert checking.audio_check == "In audio, the 1 personas of tests/agent/teaching_audio_persona.yaml go as before."
