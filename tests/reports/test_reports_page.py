"""The Reports page against a known set of calls: the period's figures, each day, by script, run and staff
member (by office only for superusers), the agent's reply time and "not understood" rate from the transcripts,
who the rules held back and why — and the same figures as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from calls.models import Call, DialRun, QueueEntry, Turn
from callscripts.models import Script
from customers.models import Customer
from reports.held_back import held_back_kind
from tests.conftest import client_for

EASTERN = dt.timezone(dt.timedelta(hours=-5))
PERIOD = {"start": "2027-01-04", "end": "2027-01-05"}


def a_call(office, number, when, *, outcome, answered_by="unknown", billsec=0, run=None, script=None):
    person = Customer.objects.create(office=office, first_name=f"P{number}", phone=f"+1202555{number:04d}")
    call = Call.objects.create(
        office=office, customer=person, to_number=person.phone, status=Call.Status.ENDED, outcome=outcome,
        answered_by=answered_by, billsec=billsec, answered_at=when if billsec else None, dial_run=run, script=script,
    )  # fmt: skip
    Call.objects.filter(pk=call.pk).update(created_at=when)
    return call


@pytest.fixture
def calls(office, other_office, supervisor, colleague):
    renewal = Script.objects.create(office=office, name="Renewal")
    review = Script.objects.create(office=office, name="Review")
    alices = DialRun.objects.create(office=office, started_by=supervisor, script=renewal)
    bobs = DialRun.objects.create(office=office, started_by=colleague, script=review)
    monday = dt.datetime(2027, 1, 4, 10, 0, tzinfo=EASTERN)
    tuesday = monday + dt.timedelta(days=1)
    booked = a_call(office, 1, monday, outcome="booked", answered_by="human", billsec=120, run=alices, script=renewal)
    a_call(office, 2, monday, outcome="do_not_call", answered_by="human", billsec=30, run=alices, script=renewal)
    a_call(office, 3, tuesday, outcome="voicemail_left", answered_by="machine", billsec=20, run=bobs, script=review)
    a_call(office, 4, tuesday, outcome="no_answer", run=bobs, script=review)
    a_call(office, 5, tuesday, outcome="busy", run=bobs, script=review)
    a_call(office, 6, monday + dt.timedelta(days=3), outcome="booked", answered_by="human", billsec=60)  # after
    a_call(other_office, 7, monday, outcome="booked", answered_by="human", billsec=60)
    for index, (speaker, text, start, end, understood) in enumerate([
        ("agent", "Is this P1?", 0, 2000, ""),
        ("callee", "yes", 3000, 3500, "yes"),
        ("agent", "I have …", 3900, 9000, ""),  # 400 ms after they stopped
        ("callee", "mm what", 10000, 10800, "unclear"),
        ("agent", "Sorry …", 12000, 13000, ""),  # 1,200 ms
    ]):  # fmt: skip
        Turn.objects.create(call=booked, index=index, speaker=speaker, text=text, started_ms=start, ended_ms=end,
                            understood=understood)  # fmt: skip
    customer = Customer.objects.create(office=office, first_name="Held", phone="+12025550999")
    QueueEntry.objects.create(
        office=office, customer=customer, skip_reason="Outside calling hours: 07:10 in America/Chicago (allowed 08:00–21:00).",
        skipped_at=monday,
    )  # fmt: skip
    return office


def page(user, **params):
    return client_for(user).get(reverse("reports:index"), {**PERIOD, **params})


def test_it_adds_up_the_period(colleague, calls):
    context = page(colleague).context
    total = context["total"]
    assert (total.dialed, total.answered, total.person, total.machine) == (5, 3, 2, 1)
    assert (total.booked, total.opt_outs, total.voicemails, total.no_answer, total.busy) == (1, 1, 1, 1, 1)
    assert total.booking_rate == 50.0 and total.talk_minutes == 2.8
    assert [(d.label, d.dialed, d.booked) for d in context["days"]] == [("2027-01-04", 2, 1), ("2027-01-05", 3, 0)]
    assert context["charts"]["funnel"] == [5, 3, 2, 1]


def test_it_groups_by_script_run_and_staff(colleague, calls):
    by_script = {row.label: (row.dialed, row.booked) for row in page(colleague, by="script").context["groups"]}
    assert by_script == {"Review": (3, 0), "Renewal": (2, 1)}
    by_staff = {row.label: row.dialed for row in page(colleague, by="staff").context["groups"]}
    assert by_staff == {"bob@north.example": 3, "alice@north.example": 2}
    runs = [row.label for row in page(colleague, by="run").context["groups"]]
    assert len(runs) == 2 and all(label.startswith("Run ") for label in runs)


def test_only_a_superuser_sees_every_office(colleague, supervisor, calls):
    assert page(colleague, by="office").context["grouping"] == "script"  # staff stay in their office
    supervisor.is_superuser = True
    supervisor.save()
    by_office = {row.label: row.dialed for row in page(supervisor, by="office").context["groups"]}
    assert by_office == {"North Insurance": 5, "South Finance": 1}


def test_it_reads_the_agent_and_the_rules_from_the_records(colleague, calls):
    context = page(colleague).context
    agent = context["agent"]
    assert (agent.callee_turns, agent.not_understood, agent.not_understood_rate) == (2, 1, 50.0)
    assert (agent.replies, agent.latency_max_ms) == (2, 1200)  # 400 ms and 1,200 ms after the callee stopped
    assert context["held_back"] == [("Outside calling hours", 1)]
    html = page(colleague).text
    assert "Outside calling hours" in html and "chart-funnel" in html and "chart-4.6.1.umd.min.js" in html


def test_the_csv_holds_every_figure(colleague, calls):
    answer = client_for(colleague).get(reverse("reports:csv"), {**PERIOD, "by": "script"})
    assert answer["Content-Disposition"] == 'attachment; filename="calls-2027-01-04-to-2027-01-05-by-script.csv"'
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0][:3] == ["section", "name", "Dialed"]
    assert ["total", "All calls", "5", "3", "2", "1", "1", "1", "50.0", "1", "0", "0", "1", "1", "2.8"] in rows
    assert any(row[:3] == ["day", "2027-01-05", "3"] for row in rows)
    assert any(row[:3] == ["script", "Renewal", "2"] for row in rows)
    assert ["held back", "Outside calling hours", "1"] in rows


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("On the do-not-call list.", "On the do-not-call list"),
        ("No express written consent recorded for AI-voice calls (consent: unknown).", "No consent recorded"),
        ("Jan 1 is an office holiday.", "Office holiday"),
        ("A voicemail was left Jan 2; the office waits 7 days.", "Voicemail left recently"),
        ("Already tried 2 times today (limit 2).", "Too many attempts"),
        ("FL allows 3 calls in 24 hours.", "Too many attempts"),
        ("Called 5 min ago; the office waits 60 min.", "Too soon after the last call"),
        ("No calls on Sundays (US rule).", "No calls that day"),
    ],
)
def test_it_names_why_people_were_held_back(reason, kind):
    assert held_back_kind(reason) == kind


def test_a_corrected_call_counts_as_what_staff_said_it_came_to(colleague, calls):
    call = Call.objects.get(office=calls, outcome="do_not_call")
    Call.objects.filter(pk=call.pk).update(reviewed_outcome="declined")
    total = page(colleague).context["total"]
    assert (total.opt_outs, total.booked) == (0, 1)


def test_it_groups_by_the_mood_the_summaries_found(colleague, calls):
    from calls.call_summary import call_summary_write

    for call in Call.objects.filter(office=calls):
        call_summary_write(call=call)
    by_mood = {row.label: row.dialed for row in page(colleague, by="mood").context["groups"]}
    assert by_mood == {"neutral": 3, "positive": 1, "negative": 1}
