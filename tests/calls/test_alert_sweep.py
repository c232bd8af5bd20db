"""Alerts raised by looking, each once, and told once — by email to the office's supervisors and to the office's
webhook: a flagged call, calling paused by the safety check, a calendar needing reconnection, a day of many more
opt-outs than usual."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from calendars.models import CalendarAccount
from calls.alert_models import Alert
from calls.alert_sweep import alerts_sweep
from calls.dialer import BREAKER_PREFIX
from calls.models import Call, DialRun
from customers.models import Customer


@pytest.fixture
def webhook():
    """A local server standing in for a chat channel's incoming webhook: it keeps what it is sent."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            assert self.headers["Content-Type"] == "application/json"
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def test_a_flagged_call_is_raised_and_told_once(office, supervisor, colleague, call, mailoutbox, webhook):
    url, received = webhook
    office.alert_webhook_url = url
    office.save()
    Call.objects.filter(pk=call.pk).update(flagged=True, flag_reason="Longer than the office's limit")
    now = timezone.now()
    assert alerts_sweep(now=now) == 1
    assert alerts_sweep(now=now + dt.timedelta(minutes=1)) == 0
    alert = Alert.objects.get()
    assert alert.kind == "call_flagged" and "Longer than the office's limit" in alert.message
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["alice@north.example"]  # supervisors, not all staff
    assert mailoutbox[0].subject == "[North Insurance] A call was flagged"
    assert f"/calls/{call.uuid}/" in mailoutbox[0].body
    assert len(received) == 1 and received[0]["kind"] == "call_flagged" and received[0]["office"] == "north"


def test_calling_paused_by_the_safety_check_is_raised_but_not_a_pause_by_staff(office, supervisor, mailoutbox):
    DialRun.objects.create(office=office, status="paused", status_reason=f"{BREAKER_PREFIX} 12 of the last 20 failed")
    DialRun.objects.create(office=office, status="paused", status_reason="Paused by alice@north.example")
    alerts_sweep(now=timezone.now())
    assert list(Alert.objects.values_list("kind", flat=True)) == ["run_paused"]


def test_a_calendar_needing_reconnection_is_raised_once(office, supervisor, colleague, mailoutbox):
    CalendarAccount.objects.create(office=office, user=colleague, provider="microsoft", account_email="b@x.example",
                                   status="needs_reconnect", status_detail="Microsoft refused the sign-in")  # fmt: skip
    alerts_sweep(now=timezone.now())
    alerts_sweep(now=timezone.now())
    alert = Alert.objects.get()
    assert alert.kind == "calendar_reconnect" and "bob@north.example needs reconnecting" in alert.message
    assert len(mailoutbox) == 1


def answered_calls(office, count: int, *, opt_outs: int, days_ago: float) -> None:
    when = timezone.now() - dt.timedelta(days=days_ago)
    for n in range(count):
        person = Customer.objects.create(office=office, first_name=f"P{n}", phone=f"+1202{int(days_ago):02d}5{n:04d}")
        call = Call.objects.create(office=office, customer=person, to_number=person.phone, status="ended",
                                   answered_by="human", outcome="do_not_call" if n < opt_outs else "declined")  # fmt: skip
        Call.objects.filter(pk=call.pk).update(created_at=when)


def test_a_day_of_many_more_opt_outs_than_usual_is_raised(office, supervisor, mailoutbox):
    answered_calls(office, 50, opt_outs=1, days_ago=3)  # usually 2 %
    answered_calls(office, 10, opt_outs=6, days_ago=0.01)  # today 60 %
    alerts_sweep(now=timezone.now())
    alert = Alert.objects.get(kind="opt_out_spike")
    assert "6 of today's 10 answered calls asked not to be called (60%; 2% usually)" in alert.message
    assert alert.link == "/calls/?outcome=do_not_call"


def test_a_few_opt_outs_are_no_spike(office, supervisor):
    answered_calls(office, 10, opt_outs=4, days_ago=0.01)
    alerts_sweep(now=timezone.now())
    assert not Alert.objects.exists()


def test_a_webhook_that_is_down_costs_nothing_but_a_log_line(office, supervisor, call, mailoutbox):
    office.alert_webhook_url = "http://127.0.0.1:9/nobody-listens"
    office.save()
    Call.objects.filter(pk=call.pk).update(flagged=True, flag_reason="Stuck")
    alerts_sweep(now=timezone.now())
    assert Alert.objects.get().notified_at is not None and len(mailoutbox) == 1
