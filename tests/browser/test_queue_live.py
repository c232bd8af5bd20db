"""The Queue page in a real browser: a call's progress appears live (the page is never reloaded), pausing
the run is one click, and the waiting table refreshes itself from its own partial."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from calls.call_events import call_event_record
from calls.live import office_live_publish
from calls.models import Call, DialRun
from calls.queue_services import queue_add_customer
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_event(call, name, sequence, **headers):
    """What the telephony listener does with a switch event, done on a thread of its own as there (this
    thread runs Playwright's event loop, where Channels' async_to_sync refuses to publish)."""

    def apply():
        try:
            record = {"Event-Name": name, "Unique-ID": str(call.uuid), "Event-Sequence": str(sequence), **headers}
            call_event_record(headers=record)
            office_live_publish(office_id=call.office_id)
        finally:
            connection.close()

    worker = threading.Thread(target=apply)
    worker.start()
    worker.join(timeout=10)


def test_the_queue_page_follows_a_call_live_and_pauses_the_run(page, live_server_url, colleague, office, customer):
    run = DialRun.objects.create(office=office)
    call = Call.objects.create(
        office=office, customer=customer, to_number=customer.phone, dial_run=run, status=Call.Status.DIALING
    )
    page.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.liveOpen = true; });")
    sign_in(page, live_server_url, email="bob@north.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    row = page.locator(f"#call-{call.uuid}")
    expect(row).to_have_attribute("data-status", "dialing")
    page.evaluate("window.notReloaded = true")
    page.wait_for_function("window.liveOpen === true")  # the page's live socket is open

    switch_event(call, "CHANNEL_PROGRESS", 3)
    expect(row).to_have_attribute("data-status", "ringing")
    switch_event(call, "CHANNEL_ANSWER", 4)
    expect(row).to_contain_text("Answered")
    expect(row.locator(".timer")).to_have_text(re.compile(r"^\d+:\d\d$"))  # the call's time, counting
    switch_event(
        call,
        "CHANNEL_HANGUP_COMPLETE",
        9,
        **{"Hangup-Cause": "NORMAL_CLEARING", "variable_billsec": "42", "variable_answer_uepoch": "1795528800000000"},
    )
    expect(row).to_have_attribute("data-status", "ended")
    expect(row).to_contain_text("Hung up")
    expect(row).to_contain_text("42 s")
    expect(page.locator("[data-figure=placed]")).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#run-status")).to_contain_text("Paused")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    run.refresh_from_db()
    assert run.status == DialRun.Status.PAUSED


def test_the_waiting_table_refreshes_from_its_partial_not_the_page(page, live_server_url, colleague, office, customer):
    sign_in(page, live_server_url, email="bob@north.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    table = page.locator("#queue-entries")
    expect(table).to_contain_text("The queue is empty")
    page.evaluate("window.notReloaded = true")
    polled = []
    page.on("request", lambda request: polled.append(request.url))

    queue_add_customer(office=office, customer=customer, added_by=colleague)
    expect(table).to_contain_text("Maria Lopez", timeout=8000)  # the poll runs every 5 s
    assert page.evaluate("window.notReloaded") is True
    assert any(url.endswith(reverse("calls:queue_entries")) for url in polled)
    assert not any(url.endswith(reverse("calls:queue")) for url in polled)
