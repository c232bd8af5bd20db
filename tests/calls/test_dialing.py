"""From the queue to calls and back: a run dials Phonify over TCP with greenswitch, the event listener
drives each call to its end, and every call, queue entry and profile ends up right."""

import io
import time

import pytest

from calls.dialer import dial_run_drive, dial_run_start
from calls.models import Call, DialRun, QueueEntry
from calls.queue_services import queue_add_matching
from calls.telephony import telephony_open
from customers.models import Customer
from phonify.personas import Persona
from tests.calls.dialing_helpers import ListenerThread, customers_for, fast_policy, pinned_now, start_switch

KINDS = [
    ("human", {"rings": 1, "hangup_after": 40}, "hung_up", "human"),
    ("voicemail", {"rings": 2, "greeting": "Leave a message.", "hangup_after": 40}, "no_answer", "machine"),
    ("no_answer", {}, "no_answer", "unknown"),
    ("busy", {}, "busy", "unknown"),
    ("rejected", {}, "busy", "unknown"),
    ("invalid", {}, "failed", "unknown"),
]


def personas_of_every_kind(count: int) -> list[tuple[Persona, str, str]]:
    people = []
    for index in range(count):
        answer, extra, outcome, answered_by = KINDS[index % len(KINDS)]
        persona = Persona(name=f"{answer}-{index}", number=f"+1202555{1000 + index:04d}", answer=answer, **extra)
        people.append((persona, outcome, answered_by))
    return people


@pytest.fixture
def dialing(settings, office):
    """Phonify with 20 people of every answer kind, our listener on it, the office queued up."""
    people = personas_of_every_kind(20)
    runner = start_switch([persona for persona, _, _ in people])
    settings.FREESWITCH_ESL_PORT = runner.switch.port
    fast_policy(office, ring_timeout_seconds=15)
    customers_for(office, [persona for persona, _, _ in people])
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    listener = ListenerThread().start()
    yield {"runner": runner, "people": people, "listener": listener}
    listener.stop()
    runner.stop()


@pytest.mark.django_db(transaction=True)
def test_a_run_calls_everyone_once_and_every_call_ends_with_the_right_outcome(dialing, office):
    run = dial_run_start(office=office)
    waits = []
    with telephony_open() as telephony:
        run = dial_run_drive(
            run=run, telephony=telephony, now=pinned_now, seconds=90, idle=0.1,
            sleep=lambda seconds: (waits.append(seconds), time.sleep(seconds)),
        )  # fmt: skip
    assert run.status == DialRun.Status.COMPLETED
    # Once nobody is left to dial, the run only waits for its calls' ends and looks four times less often.
    awaiting_ends = waits.index(0.4)
    assert 0.1 in waits[:awaiting_ends] and set(waits[awaiting_ends:]) == {0.4}

    for persona, outcome, answered_by in dialing["people"]:
        (call,) = Call.objects.filter(to_number=persona.number)
        assert (call.status, call.outcome, call.answered_by) == ("ended", outcome, answered_by), persona.name
        assert call.cdr["hangup_cause"] == call.hangup_cause and "billsec" in call.cdr
        assert call.cdr["app_call_uuid"] == str(call.uuid)  # our variables came back in the CDR
        assert call.events.filter(name="CHANNEL_HANGUP_COMPLETE").count() == 1
        customer = call.customer
        assert (customer.attempt_count, customer.last_outcome) == (1, outcome)
        if answered_by == "human":
            assert call.answered_at and call.billsec is not None and customer.answered_count == 1
    assert not QueueEntry.objects.filter(status__in=QueueEntry.OPEN_STATUSES, due_at__isnull=True).exists()
    retries = QueueEntry.objects.filter(reason=QueueEntry.Reason.RETRY)
    retried = set(retries.values_list("customer__phone", flat=True))
    expected = {persona.number for persona, outcome, _ in dialing["people"] if outcome != "hung_up"}
    assert retried == expected  # no answer / busy / machine: again later; failed: once
    assert all(entry.due_at > entry.created_at for entry in retries)


@pytest.mark.django_db(transaction=True)
def test_the_dial_command_waits_for_the_run_and_prints_a_summary(dialing, office):
    from django.core.management import call_command

    from tests.calls.dialing_helpers import PINNED

    out = io.StringIO()
    call_command("dial", "--office", office.slug, "--limit", "6", "--wait", "--now", PINNED.isoformat(), stdout=out)
    summary = out.getvalue()
    assert "completed" in summary and "placed 6" in summary and "in progress 0" in summary
    assert Call.objects.filter(status="ended").count() == 6
    assert QueueEntry.objects.filter(status="waiting", due_at__isnull=True).count() == 14  # the rest wait


@pytest.mark.django_db(transaction=True)
def test_the_dial_command_says_when_the_switch_is_down(settings, office):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from tests.servers import free_port

    settings.FREESWITCH_ESL_PORT = free_port()  # nothing listens there
    with pytest.raises(CommandError, match="switch is unavailable"):
        call_command("dial", "--office", office.slug, "--wait")
    with pytest.raises(CommandError, match="No office 'nowhere'"):
        call_command("dial", "--office", "nowhere")
