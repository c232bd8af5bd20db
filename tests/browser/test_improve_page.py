"""The learning loop in a real browser: a callee's words the agent did not understand show on the Improve page;
staff teach what they mean; the checks pass (the phrasing table, then the test personas in text); the agent
understands them on the next call."""

import pytest
from playwright.sync_api import expect

from agent.dialogue.policy import ScriptedPolicy
from agent.script_lines import lines_for
from agent.tools import CallTools
from calls.models import Call, Turn
from tests.agent.conftest import NOW
from tests.agent.test_dialogue import ended
from tests.browser.test_navigation import sign_in

# Teaching runs its check on whole calls inside the request here (the test server's worker runs tasks inline)
pytestmark = [pytest.mark.browser, pytest.mark.simulates, pytest.mark.django_db(transaction=True)]


def next_call_ends(office, customer, script, words: str) -> str:
    call = Call.objects.create(office=office, customer=customer, to_number=customer.phone)
    tools = CallTools(call=call, script=script, clock=lambda: NOW)
    policy = ScriptedPolicy(lines=lines_for(script=script, customer=customer, office=office), tools=tools)
    policy.heard("Hello?")
    policy.heard("Yes, speaking.")
    actions = policy.heard(words)
    Call.objects.filter(pk=call.pk).update(status="ended")
    return ended(actions) or "still talking"


def test_staff_teach_a_phrase_and_the_next_call_understands_it(page, live_server_url, supervisor, customer, script):
    office = customer.office
    assert next_call_ends(office, customer, script, "Nah, count me out.") == "still talking"  # not understood
    missed = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended")
    Turn.objects.create(call=missed, index=0, speaker="callee", text="Nah, count me out.", understood="unclear")

    sign_in(page, live_server_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Improve").click()
    row = page.locator("#not-understood tr", has_text="nah count me out")
    row.get_by_label("Phrase").fill("count me out")
    row.get_by_role("combobox").first.select_option("not_interested")
    row.get_by_role("button", name="Teach").click(timeout=180_000)  # the phrasing table, then two simulated runs
    expect(page.locator(".messages")).to_contain_text("Taught (version 1)", timeout=180_000)
    expect(page.locator("#teachings")).to_contain_text("“count me out”")
    expect(page.locator("#teachings")).to_contain_text("go as before")

    assert next_call_ends(office, customer, script, "Nah, count me out.") == "declined"
    assert page.server_errors == []
