"""The whole loop for a new user, in a real browser against the processes `make run` starts (web, worker,
telephony listener, agent, and Phonify whose people are the demo customers, speaking with audio): sign
in with the demo login, queue the demo customers, press "Call queued", watch the calls go live, open a
finished call to read its transcript and hear its recording, see the booked appointment on the Calendar
page and on the customer's profile, and find the voicemail that was left."""

import datetime as dt
import re
import signal
import time
import zoneinfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from customers.models import Customer
from tests.servers import free_port, start, wait_for_http

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def midday_zone() -> str:
    """A real time zone where it is now early afternoon, so the demo people may be called whenever the
    tests run (the calling rules follow the callee's zone)."""
    now = dt.datetime.now(dt.UTC)
    candidates = sorted(
        name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(("Etc/", "posix/"))
    )
    return next(name for name in candidates if now.astimezone(zoneinfo.ZoneInfo(name)).hour == 13)


@pytest.fixture
def demo_system(tmp_path):
    call_command("seed_demo", verbosity=0)
    Customer.objects.filter(office__slug="demo").update(time_zone=midday_zone())
    log, port = tmp_path / "system.log", free_port()
    extra = {
        "FREESWITCH_ESL_PORT": str(free_port()),
        "AGENT_PORT": str(free_port()),
        "RECORDINGS_DIR": str(tmp_path / "recordings"),
    }
    process = start(["manage.py", "run_system", "--port", str(port)], log, extra)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", process)
        deadline = time.monotonic() + 30
        while "telephony events: connected" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except Exception:  # noqa: BLE001
            process.kill()


def test_a_new_user_calls_the_demo_customers_and_sees_what_happened(page, demo_system):
    url, log = demo_system
    page.goto(f"{url}/")
    page.get_by_label("Email").fill("demo@example.com")
    page.get_by_role("button", name="Continue").click()  # the address first: its office decides what follows
    page.get_by_label("Password").fill("demo-appointments")
    page.get_by_role("button", name="Sign in").click()
    main = page.get_by_role("navigation", name="Main")
    main.get_by_role("link", name="Customers").click()
    page.get_by_role("button", name=re.compile(r"Add all 5 to the queue")).click()
    main.get_by_role("link", name="Queue").click()
    page.get_by_role("button", name="Call queued").click()
    expect(page.locator("[id^=call-]").first).to_be_visible(timeout=30_000)  # calls appear live
    agent = page.locator("[data-agent-status]").first  # and what the agent is doing on them, as it changes
    expect(agent).to_have_text(re.compile(r"^(Agent (listening|thinking|speaking)|Leaving voicemail)$"), timeout=30_000)

    main.get_by_role("link", name="Calls").click()
    deadline = time.monotonic() + 180
    while True:
        rows = page.locator("table.list tbody tr")
        text = rows.all_inner_texts()
        finished = [row for row in text if "Ended" in row]  # a call is booked before its goodbye is said
        if sum("Booked" in row or "Voicemail left" in row or "Declined" in row for row in finished) >= 3 and any(
            "Maria" in row for row in finished
        ):
            break
        assert time.monotonic() < deadline, (text, log.read_text()[-4000:])
        time.sleep(2)
        page.reload()
    maria = page.locator("table.list tbody tr", has_text="Maria")
    expect(maria).to_contain_text("Booked")
    expect(page.locator("table.list tbody tr", has_text="James")).to_contain_text("Voicemail left")

    maria.get_by_role("link").first.click()
    transcript = page.locator("ol.transcript")
    expect(transcript).to_contain_text("Is this Maria?")
    expect(transcript).to_contain_text("You're all set")
    deadline = time.monotonic() + 20
    while not page.locator("audio").count():  # the recording is saved once the agent's fork has closed
        assert time.monotonic() < deadline, "no recording on the call page"
        time.sleep(1)
        page.reload()
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=10_000)
    assert page.evaluate("document.querySelector('audio').duration") > 10  # the call's recording plays

    page.get_by_role("link", name=re.compile("Maria")).first.click()  # the customer's profile
    expect(page.locator("body")).not_to_contain_text("Next appointment none")
    expect(page.locator("h2", has_text="Appointments").locator("xpath=following-sibling::ul[1]")).to_contain_text(
        "Booked"
    )

    main.get_by_role("link", name="Calendar").click()
    expect(page.locator("main")).to_contain_text("Maria")

    main.get_by_role("link", name="Calls").click()
    page.locator("table.list tbody tr", has_text="James").get_by_role("link").first.click()
    expect(page.locator("h2", has_text="Voicemail left")).to_be_visible()
    expect(page.locator("blockquote")).to_contain_text("call us back")
