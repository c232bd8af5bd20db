"""The learning loop: the Improve page gathers what the agent did not understand; staff teach what a phrase
means; the teaching is checked against the phrasing table first (one that would unsettle what the agent
understands today is refused, with the sentences); a live teaching changes the next call."""

from __future__ import annotations

from django.urls import reverse

from agent.models import Teaching
from agent.teaching import teaching_add
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


def test_the_page_gathers_what_was_not_understood_and_the_weekly_rate(colleague, office, customer):
    unheard(office, customer, "Count me out.")
    unheard(office, customer, "count me out")
    page = client_for(colleague).get(reverse("improve:page"))
    groups = page.context["groups"]
    assert (groups[0].words, groups[0].times) == ("count me out", 2)
    assert page.context["weeks"][-1]["rate"] == 100.0
    assert len(page.context["gave_up"]) == 2


def test_a_taught_phrase_changes_the_next_call(colleague, office, customer, agent, call):
    client_for(colleague).post(reverse("improve:teach"), {"phrase": "count me out", "meaning": "not_interested"})
    teaching = Teaching.objects.get()
    assert (teaching.version, teaching.status) == (1, "live") and "none changes" in teaching.reason
    policy = agent()
    said(policy.heard("Hello?"))
    said(policy.heard("Yes, speaking."))
    assert ended(policy.heard("Nah, count me out.")) == "declined"


def test_a_teaching_that_unsettles_what_is_understood_is_refused_with_the_sentences(office, colleague):
    teaching = teaching_add(office=office, phrase="yes", meaning="no", author=colleague)
    assert teaching.status == "refused"
    assert "“Yes, speaking.” (yes → no)" in teaching.reason and "Teach a longer phrase" in teaching.reason
    second = teaching_add(office=office, phrase="the early one", meaning="first", author=colleague)
    assert (second.version, second.status) == (2, "live")


def test_no_teaching_hides_an_opt_out(office, colleague, agent, call):
    assert teaching_add(office=office, phrase="stop calling me tomorrow", meaning="callback").status == "live"
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
    taught = teaching_add(office=office, phrase="count me out", meaning="not_interested", author=colleague)
    client.post(reverse("improve:withdraw", args=[taught.pk]))
    from agent.script_lines import taught_meanings

    assert taught_meanings(office_id=office.pk) == ()
    refused = client.post(reverse("improve:teach"), {"phrase": "is it far", "meaning": "answer"}, follow=True)
    assert "Choose the script that answers it" in refused.text
