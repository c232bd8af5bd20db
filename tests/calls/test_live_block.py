"""What the Queue page's live block reads: the latest run's figures, right and in one query with the run, and
the rows of calls in progress and just ended without the large fields nobody sees there. The block is made
again at every change of every call (bench/live_sockets.py), so what it costs is part of how fast a change
reaches the browser."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from calls.live import live_context
from calls.models import Call, DialRun
from calls.selectors import dial_run_latest_with_figures, run_figures
from customers.models import Customer

ENDED, ANSWERED = Call.Status.ENDED, Call.Status.ANSWERED
numbers = itertools.count()


def calls_of(run: DialRun, *rows: dict) -> None:
    for fields in rows:
        n = next(numbers)
        customer = Customer.objects.create(office=run.office, first_name=f"P{n}", phone=f"+1202555{n:04d}")
        Call.objects.create(office=run.office, customer=customer, to_number=customer.phone, dial_run=run, **fields)


@pytest.mark.django_db
def test_the_latest_runs_figures_count_each_call_once_and_only_the_offices_own(office, other_office):
    now = timezone.now()
    older = DialRun.objects.create(office=office)
    calls_of(older, {"status": ENDED, "outcome": Call.Outcome.BOOKED, "billsec": 400})
    latest = DialRun.objects.create(office=office)
    calls_of(
        latest,
        {"status": ENDED, "outcome": Call.Outcome.BOOKED, "billsec": 30, "answered_at": now, "answered_by": "human"},
        {
            "status": ENDED,
            "outcome": Call.Outcome.VOICEMAIL_LEFT,
            "billsec": 12,
            "answered_at": now,
            "answered_by": "machine",
        },
        {"status": ENDED, "outcome": Call.Outcome.BUSY, "billsec": 0},
        {"status": ANSWERED, "answered_at": now},  # up, no beep yet: counted as answered
        {"status": ANSWERED, "answered_at": now, "answered_by": "machine"},  # a machine: not a person
        {"status": Call.Status.RINGING},
    )
    calls_of(DialRun.objects.create(office=other_office), {"status": ENDED, "outcome": Call.Outcome.BOOKED})

    run, figures = dial_run_latest_with_figures(office_id=office.pk)

    assert run == latest
    assert figures == run_figures(run=latest)
    assert figures == {
        "placed": 6,
        "in_progress": 3,
        "answered": 2,
        "voicemail": 1,
        "no_answer": 0,
        "busy": 1,
        "failed": 0,
        "booked": 1,
        "average_seconds": 21,
        "longest_seconds": 30,
    }


@pytest.mark.django_db
def test_a_run_with_no_calls_yet_shows_zeros_and_an_office_with_no_run_shows_none(office, other_office):
    DialRun.objects.create(office=office)
    run, figures = dial_run_latest_with_figures(office_id=office.pk)
    assert run is not None and figures["placed"] == 0 and figures["average_seconds"] == 0
    assert dial_run_latest_with_figures(office_id=other_office.pk) == (None, None)


@pytest.mark.django_db
def test_the_live_block_is_read_in_four_queries_without_the_calls_cdr(office, django_assert_max_num_queries):
    run = DialRun.objects.create(office=office)
    calls_of(run, *[{"status": ANSWERED, "cdr": {"variable_x": "y" * 1000}} for _ in range(5)])
    calls_of(run, {"status": ENDED, "ended_at": timezone.now() - dt.timedelta(minutes=5), "cdr": {"a": "b"}})
    with django_assert_max_num_queries(4):  # run and figures, queue counts, calls in progress, calls just ended
        context = live_context(office_id=office.pk)
        names = [str(call.customer) for call in context["live_calls"]]
    assert len(names) == 6 and context["figures"]["placed"] == 6
    assert all("cdr" in call.get_deferred_fields() for call in context["live_calls"])


def test_the_live_table_shows_the_current_runs_ended_calls_only(office, customer):
    from django.utils import timezone

    from calls.live import live_context
    from calls.models import Call, DialRun
    from customers.models import Customer

    earlier = DialRun.objects.create(office=office, status="completed")
    current = DialRun.objects.create(office=office)
    other = Customer.objects.create(office=office, first_name="Ken", phone="+12025550177")
    now = timezone.now()
    old = Call.objects.create(office=office, customer=customer, to_number=customer.phone, dial_run=earlier,
                              status="ended", ended_at=now)  # fmt: skip
    new = Call.objects.create(office=office, customer=other, to_number=other.phone, dial_run=current,
                              status="ended", ended_at=now)  # fmt: skip
    shown = [call.pk for call in live_context(office_id=office.pk)["live_calls"]]
    assert shown == [new.pk] and old.pk not in shown
