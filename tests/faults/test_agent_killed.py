"""The agent's process killed (SIGKILL) while a call's fork is talking to it: the real `manage.py agent` and
`manage.py telephony_events` processes, Phonify over TCP in text mode. The callee is not left in dead air:
the switch reports the fork's connection dropped (mod_audio_fork's `disconnect`, with no goodbye from the
agent), and the listener ends the call at once, flagged with the reason, as failed — so the office's rule for
failed calls queues one retry. A call answered while the agent is down ends the same way (`connect_failed`).
Once the agent is started again, calls work as before. Nobody is dialed twice, nobody is left `calling`."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time

import pytest

from calls.models import Call, DialRun, QueueEntry
from phonify.personas import Persona, Turn
from tests.calls.dialing_helpers import PINNED, customers_for, fast_policy, start_switch
from tests.faults.call_scene import agent_start, dial_one, listener_start
from tests.faults.conftest import stop, wait_until
from tests.servers import free_port

pytestmark = pytest.mark.faults

TIME_SCALE = 0.1  # Phonify's waits: a ring is 0.4 s, REPLY_PAUSE 30 ms
# Talks with the agent and would stay on the line for 60 s: the agent is killed while they talk.
ANN = Persona(
    name="ann", number="+12025554001", rings=1, turns=(Turn("Yes, speaking."), Turn("Sorry, say that again?")),
    hangup_after=600,
)  # fmt: skip
CAL = Persona(name="cal", number="+12025554002", rings=1, hangup_after=600)  # answers while the agent is down
BEN = Persona(
    name="ben", number="+12025554003", rings=1, greeting="Ben speaking.",
    turns=(Turn("Yes, this is Ben."), Turn("No thanks, I'm not interested.")), hangup_after=600,
)  # fmt: skip
DEAD_AIR_LIMIT = 10  # seconds from the kill to the call's end, with a loaded 2-core machine's slack


@pytest.mark.django_db(transaction=True)
def test_a_call_whose_agent_is_killed_ends_flagged_and_is_retried(settings, office, script, colleague, tmp_path):
    switch = start_switch([ANN, CAL, BEN], time_scale=TIME_SCALE)
    settings.FREESWITCH_ESL_PORT = switch.switch.port
    script.is_default = True
    script.save()
    fast_policy(office, max_concurrent_calls=1)
    customers_for(office, [ANN, CAL, BEN])
    port = free_port()
    agent_log, listener_log = tmp_path / "agent.log", tmp_path / "listener.log"
    agent = agent_start(port, agent_log, PINNED)
    listener = listener_start(listener_log, switch_port=switch.switch.port, agent_port=port)
    runs: list[DialRun] = []
    try:
        # 1. Ann talks with the agent; its process is killed mid-call.
        driver = threading.Thread(target=lambda: runs.append(dial_one(office, ANN, now=PINNED)))
        driver.start()

        def agent_talking() -> bool:
            return Call.objects.filter(to_number=ANN.number, turns__speaker="agent").exists()

        wait_until(agent_talking, 30, "the agent to talk with Ann", agent_log)
        agent.send_signal(signal.SIGKILL)
        agent.wait()
        killed = time.monotonic()
        ann = Call.objects.get(to_number=ANN.number)
        wait_until(lambda: Call.objects.get(pk=ann.pk).status == "ended", 30, "Ann's call to end", listener_log)
        dead_air = time.monotonic() - killed
        driver.join(timeout=60)

        # 2. Cal answers while the agent is down.
        runs.append(dial_one(office, CAL, now=PINNED))

        # 3. The agent is back: Ben's call goes as calls go.
        agent = agent_start(port, agent_log, PINNED)
        runs.append(dial_one(office, BEN, now=PINNED))
    finally:
        stop(listener)
        stop(agent)
        switch.stop()

    assert dead_air < DEAD_AIR_LIMIT, listener_log.read_text()  # not Ann's 60 s on the line
    assert [run.status for run in runs] == [DialRun.Status.COMPLETED] * 3
    calls = {call.customer.first_name: call for call in Call.objects.select_related("customer")}
    assert sorted(calls) == ["ann", "ben", "cal"]  # one call each: nobody was dialed twice
    assert all(call.status == Call.Status.ENDED and call.cdr for call in calls.values())  # no call lost
    assert QueueEntry.objects.filter(status=QueueEntry.Status.CALLING).count() == 0

    ann, cal, ben = calls["ann"], calls["cal"], calls["ben"]
    assert ann.turns.filter(speaker="agent").exists()  # what was said before the kill is kept
    for call, reason in ((ann, "The agent stopped in the middle of the call"), (cal, "The agent could not be reached")):
        assert (call.outcome, call.hangup_cause, call.flagged) == ("failed", "NORMAL_TEMPORARY_FAILURE", True)
        assert call.flag_reason.startswith(reason) and call.flag_reason.endswith("so the call was ended.")
        assert call.answered_by == Call.AnsweredBy.HUMAN  # they did pick up
        retry = QueueEntry.objects.get(customer=call.customer, status=QueueEntry.Status.WAITING)
        assert (retry.reason, retry.note) == (QueueEntry.Reason.RETRY, "Retry after failed")
        assert retry.due_at == call.ended_at + dt.timedelta(minutes=120)  # the office's rule for failed calls
        call.customer.refresh_from_db()
        profile = call.customer
        assert (profile.attempt_count, profile.answered_count, profile.last_outcome) == (1, 1, "failed")
    assert not cal.turns.exists()

    assert (ben.outcome, ben.hangup_cause, ben.flagged) == ("declined", "NORMAL_CLEARING", False)  # said goodbye
    assert "Goodbye" in ben.turns.filter(speaker="agent").order_by("index").last().text
    assert not QueueEntry.objects.filter(customer=ben.customer, status=QueueEntry.Status.WAITING).exists()
    ben.customer.refresh_from_db()
    assert (ben.customer.attempt_count, ben.customer.last_outcome) == (1, "declined")
    assert "The agent stopped in the middle of the call" in listener_log.read_text()
