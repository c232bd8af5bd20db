"""A callback staff promised for a time the calling rules forbid: the scheduler dials it at the nearest time they
allow, the profile says so, an alert says why the promise was late, and it resolves itself once the call is made."""

import datetime as dt

import pytest
from django.urls import reverse

from calls.alert_models import Alert
from calls.models import Call, QueueEntry
from calls.promises import PromiseError, callback_promise
from customers.models import Customer
from tests.calls.test_campaigns import at, line, scheduled_round  # noqa: F401  (the fixture and its helpers)
from tests.conftest import client_for


@pytest.mark.django_db(transaction=True)
def test_a_callback_promised_before_calling_hours_is_made_at_the_first_allowed_time(line, office, supervisor):  # noqa: F811
    nora = Customer.objects.get(first_name="Nora")
    entry = callback_promise(customer=nora, at=at(24, 7), promised_by=supervisor, now=at(24, 6))
    assert scheduled_round(at(24, 6, 59)) == []

    scheduled_round(at(24, 7))  # 7 AM in New York: the rules hold it back until eight
    entry.refresh_from_db()
    assert entry.status == "waiting" and entry.due_at == at(24, 8) and entry.promised_for == at(24, 7)
    assert entry.skip_reason  # why it waits, shown on the profile
    scheduled_round(at(24, 7, 11))
    (alert,) = Alert.objects.all()
    assert "Nora" in alert.message and "the calling rules held it back" in alert.message
    profile = client_for(supervisor).get(reverse("customers:detail", args=[nora.pk])).content.decode()
    assert "a callback promised for" in profile and "now due" in profile and "the calling rules held it back" in profile

    scheduled_round(at(24, 8))
    (call,) = Call.objects.all()
    assert call.queue_entry_id == entry.pk  # made once, at the first time the rules allow
    scheduled_round(at(24, 8, 1))
    alert.refresh_from_db()
    assert alert.resolved_at is not None


@pytest.mark.django_db(transaction=True)
def test_no_callback_is_promised_to_someone_on_the_do_not_call_list_or_for_a_time_gone(line, office):  # noqa: F811
    nora = Customer.objects.get(first_name="Nora")
    with pytest.raises(PromiseError, match="passed"):
        callback_promise(customer=nora, at=at(24, 7), now=at(24, 9))
    Customer.objects.filter(pk=nora.pk).update(do_not_call=True)
    nora.refresh_from_db()
    with pytest.raises(PromiseError, match="do-not-call"):
        callback_promise(customer=nora, at=at(24, 11), now=at(24, 9))
    assert not QueueEntry.objects.exists()


@pytest.mark.django_db  # not transactional: the schedule the migration made is still there
def test_the_worker_keeps_promises_every_minute(office, customer, settings):
    """The "scheduled dialing" schedule is there for the worker, and its task hands each run it starts to the
    worker (inline in tests): here with no switch to reach, so the run pauses and says why."""
    from django_q.models import Schedule

    from calls.models import DialRun
    from calls.tasks import scheduled_dialing_work

    schedule = Schedule.objects.get(name="scheduled dialing")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == ("calls.tasks.scheduled_dialing_work", "I", 1)
    assert scheduled_dialing_work() == 0  # nothing due
    settings.FREESWITCH_ESL_PORT = 1
    entry = callback_promise(customer=customer, at=dt.datetime.now(dt.UTC))
    assert scheduled_dialing_work() == 1
    (run,) = DialRun.objects.all()
    assert (run.kind, run.status) == (DialRun.Kind.PROMISES, DialRun.Status.PAUSED)
    assert "Switch unavailable" in run.status_reason
    entry.refresh_from_db()
    assert entry.status == "waiting"  # kept for the next round
