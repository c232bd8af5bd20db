"""Finding calls: the Calls list filters by date, outcome, script, run, flagged, feedback, a turn not understood,
length and the customer's name or number — and downloads the same calls as CSV with their transcripts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from agent.models import Feedback
from calls.models import Call, DialRun, Turn
from callscripts.models import Script
from customers.models import Customer
from tests.conftest import client_for

EASTERN = dt.timezone(dt.timedelta(hours=-5))


@pytest.fixture
def calls(office, other_office, colleague):
    review = Script.objects.create(office=office, name="Review")
    run = DialRun.objects.create(office=office, started_by=colleague)
    maria = Customer.objects.create(office=office, first_name="Maria", last_name="Lopez", phone="+12025550143")
    ken = Customer.objects.create(office=office, first_name="Ken", last_name="Ito", phone="+13055550177")
    made = {}
    for name, customer, day, outcome, billsec, extra in [
        ("booked", maria, 4, "booked", 140, {"script": review, "dial_run": run}),
        ("opt_out", ken, 5, "do_not_call", 25, {"flagged": True, "flag_reason": "Said stop twice"}),
        ("no_answer", ken, 6, "no_answer", None, {}),
    ]:  # fmt: skip
        call = Call.objects.create(office=office, customer=customer, to_number=customer.phone, status="ended",
                                   outcome=outcome, billsec=billsec, **extra)  # fmt: skip
        Call.objects.filter(pk=call.pk).update(created_at=dt.datetime(2027, 1, day, 10, tzinfo=EASTERN))
        made[name] = call
    Turn.objects.create(call=made["booked"], index=0, speaker="agent", text="Is this Maria?")
    Turn.objects.create(call=made["booked"], index=1, speaker="callee", text="mm", understood="unclear")
    Turn.objects.create(call=made["booked"], index=2, speaker="callee", text="Yes, Thursday at two", understood="yes")
    Feedback.objects.create(office=office, call=made["opt_out"], rating="bad", comment="Should have stopped at once")
    stranger = Customer.objects.create(office=other_office, first_name="Maria", phone="+12025550111")
    Call.objects.create(office=other_office, customer=stranger, to_number=stranger.phone, outcome="booked")
    return made


def found(user, **params) -> set[str]:
    page = client_for(user).get(reverse("calls:list"), params)
    assert page.status_code == 200
    return {str(call.customer) for call in page.context["page"]}


@pytest.mark.parametrize(
    ("params", "who"),
    [
        ({}, {"Maria Lopez", "Ken Ito"}),
        ({"q": "maria"}, {"Maria Lopez"}),
        ({"q": "Lopez"}, {"Maria Lopez"}),
        ({"q": "0177"}, {"Ken Ito"}),
        ({"q": "3055550177"}, {"Ken Ito"}),
        ({"outcome": "do_not_call"}, {"Ken Ito"}),
        ({"start": "2027-01-05", "end": "2027-01-05"}, {"Ken Ito"}),
        ({"flagged": "yes"}, {"Ken Ito"}),
        ({"feedback": "yes"}, {"Ken Ito"}),
        ({"not_understood": "yes"}, {"Maria Lopez"}),
        ({"longer_than": "60"}, {"Maria Lopez"}),
        ({"shorter_than": "60"}, {"Ken Ito"}),
    ],
)
def test_it_finds_calls_by_what_staff_ask(colleague, calls, params, who):
    assert found(colleague, **params) == who


def test_it_filters_by_script_and_run(colleague, calls):
    booked = calls["booked"]
    assert found(colleague, script=booked.script_id) == {"Maria Lopez"}
    assert found(colleague, run=booked.dial_run_id) == {"Maria Lopez"}


def test_it_says_what_is_wrong_with_a_filter(colleague, calls):
    page = client_for(colleague).get(reverse("calls:list"), {"start": "2027-01-06", "end": "2027-01-04"})
    assert "“To” is before “From”" in page.text


def test_the_csv_has_the_listed_calls_with_their_transcripts(colleague, calls):
    answer = client_for(colleague).get(reverse("calls:export"), {"q": "maria"})
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert len(rows) == 1  # the other office's Maria is never listed
    row = rows[0]
    assert row["when"] == "2027-01-04 10:00 EST" and row["outcome"] == "Booked" and row["script"] == "Review"
    assert row["transcript"] == "Agent: Is this Maria?\nCallee: mm\nCallee: Yes, Thursday at two"


def test_pages_say_numbers_causes_and_times_as_people_read_them(colleague, calls):
    call = calls["opt_out"]
    Call.objects.filter(pk=call.pk).update(hangup_cause="USER_BUSY")
    page = client_for(colleague).get(reverse("calls:detail", args=[call.uuid])).text
    assert "(305) 555-0177" in page and "+13055550177" not in page
    assert "Busy <span class=\"muted\">(USER_BUSY)</span>" in page
    assert "Jan. 5, 2027, 10 a.m. EST" in page  # the office's zone, said


def test_a_number_of_another_country_reads_internationally():
    from issetter.templatetags.display import phone

    assert phone("+442071838750", "US") == "+44 20 7183 8750"
    assert phone("+12025550143", "US") == "(202) 555-0143"
    assert phone("+14165550143", "US") == "(416) 555-0143"  # Canada: the same plan, dialled as at home
    assert phone("+14165550143", "GB") == "+1 416-555-0143"
    assert phone("+442071838750", "GB") == "020 7183 8750"
    assert phone("2025550143", "US") == "(202) 555-0143"
    assert phone("not a number", "US") == "not a number"
