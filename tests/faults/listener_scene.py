"""The people a fault test's switch knows and the dialing it does, shared by the test and the dialer
process it starts (`manage.py shell -c "from tests.faults.listener_scene import dial_everyone; …"`)."""

from __future__ import annotations

from phonify.personas import Persona

# Answer at once, then hang up after 1 … 8 s (Phonify's waits scaled by 0.02): ends spread over the outage.
PEOPLE = [Persona(name=f"p{n}", number=f"+1202555{3000 + n:04d}", rings=1, hangup_after=50 * (n + 1)) for n in range(8)]


def dial_everyone() -> None:
    """Queue everyone and place every call (one run, all at once), then leave: the calls go on on the switch
    and end through the listener."""
    from calls.dialer import dial_run_set_status, dial_run_start, dial_run_step
    from calls.models import Call, DialRun
    from calls.queue_services import queue_add_matching
    from calls.telephony import telephony_open
    from customers.models import Customer
    from issetter.services import office_ensure
    from tests.calls.dialing_helpers import customers_for, fast_policy, pinned_now

    office, _ = office_ensure(
        slug="north", name="North Insurance", caller_id_number="+12025550100", callback_number="+12025550143"
    )
    fast_policy(office, max_concurrent_calls=len(PEOPLE))
    customers_for(office, PEOPLE)
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))
    run = dial_run_start(office=office)
    with telephony_open() as telephony:
        while Call.objects.filter(dial_run=run).count() < len(PEOPLE):
            dial_run_step(run=run, telephony=telephony, now=pinned_now)
    dial_run_set_status(run=run, status=DialRun.Status.CANCELLED, reason="Every call placed (fault test).")
    print(f"placed {len(PEOPLE)} calls", flush=True)
