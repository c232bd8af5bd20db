"""The Scripts pages in a real browser: a person writes a new script, finds it in the list, opens it and
plays its greeting, which the browser loads as playable audio."""

import pytest
from playwright.sync_api import expect

from callscripts.models import Script
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_creates_a_script_and_plays_its_greeting(page, live_server_url, supervisor):
    sign_in(page, live_server_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scripts").click()
    page.get_by_role("link", name="New script").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New script")

    page.get_by_label("Name", exact=True).fill("Renewal reminder")
    page.get_by_label("Greeting").fill("Hi {frist_name}, I'm {agent_name}.")
    page.get_by_role("button", name="Save script").click()
    expect(page.locator(".field.invalid .error").first).to_contain_text("Unknown placeholder {frist_name}")
    expect(page.locator(".field.invalid")).to_contain_text("The greeting must say the caller is automated")
    page.get_by_label("Greeting").fill("Hi, I'm {agent_name}, the assistant at {office_name}.")
    page.get_by_role("button", name="Save script").click()
    expect(page.locator(".messages")).to_contain_text("Script Renewal reminder saved.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scripts").click()
    page.get_by_role("link", name="Renewal reminder").click()
    greeting = page.locator("tr[data-line='greeting']")
    expect(greeting.locator(".heard")).to_have_text("Hi, I'm Ava, the assistant at North Insurance.")

    with page.expect_response(lambda r: r.url.endswith("/preview/greeting.wav")) as answer:
        greeting.get_by_role("button", name="Play greeting").click()
    response = answer.value
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    page.wait_for_function("document.getElementById('script-preview').duration > 0", timeout=15000)
    assert page.evaluate("document.getElementById('script-preview').duration") > 1.5  # the whole sentence
    assert page.evaluate("document.getElementById('script-preview').dataset.line") == "greeting"
    assert Script.objects.get(name="Renewal reminder").office == supervisor.membership.office
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "script.png"), full_page=True)
    assert not page.server_errors


def test_staff_try_a_script_by_talking_with_the_agent(page, live_server_url, supervisor, script):
    sign_in(page, live_server_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scripts").click()
    page.get_by_role("link", name=script.name).click()
    try_it = page.locator("#script-try")
    expect(try_it.get_by_role("status")).to_contain_text("Ready: Scripted", timeout=10000)
    words = try_it.get_by_label("What you say")
    words.fill("Hello?")
    words.press("Enter")
    expect(try_it.locator(".try-agent").first).to_contain_text("Alex")
    words.fill("Yes, that's me.")
    try_it.get_by_role("button", name="Say", exact=True).click()
    expect(try_it.locator(".try-tool").first).to_contain_text("offer")
    expect(try_it.locator(".try-agent").nth(1)).to_contain_text("Which time works best for you?")
    words.fill("I'm not interested, thanks.")
    words.press("Enter")
    expect(try_it.locator(".try-ended")).to_contain_text("declined")
    expect(try_it.get_by_role("status")).to_contain_text("The call ended")
    page.screenshot(path=str(SCREENSHOTS / "script_try.png"), full_page=True)
    assert not page.server_errors
