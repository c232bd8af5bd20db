"""Phonify through greenswitch, the client our telephony listener uses: login, calls of every answer kind,
event order, CDR variables, our variables echoed, uuid_kill and uuid_exists."""

import time
import uuid
from collections import defaultdict

import gevent
import pytest
from greenswitch import InboundESL
from greenswitch.esl import NotConnectedError

CHANNEL_EVENTS = "CHANNEL_CREATE CHANNEL_OUTGOING CHANNEL_PROGRESS CHANNEL_ANSWER CHANNEL_EXECUTE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_DESTROY BACKGROUND_JOB HEARTBEAT CUSTOM avmd::beep"


@pytest.fixture
def esl(phonify):
    client = InboundESL(host="127.0.0.1", port=phonify.port, password="ClueCon")
    client.connect()
    client.seen = defaultdict(list)
    client.jobs = {}

    def remember(event):
        headers = event.headers
        if "Event-Name" not in headers:
            return  # the disconnect notice when the switch goes away
        if headers.get("Event-Name") == "BACKGROUND_JOB":
            client.jobs[headers["Job-UUID"]] = headers
        key = headers.get("Unique-ID", headers.get("Event-Name"))
        client.seen[key].append(headers.get("Event-Subclass") or headers["Event-Name"])
        client.seen.setdefault("headers", {})[(key, headers["Event-Name"])] = headers

    client.register_handle("*", remember)
    assert client.send(f"event plain {CHANNEL_EVENTS}").data == "+OK event listener enabled plain"
    yield client
    client.stop()


def wait_for(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        gevent.sleep(0.01)
    raise AssertionError("timed out")


def originate(esl, number, **variables):
    call = str(uuid.uuid4())
    extra = "".join(f",{k}={v}" for k, v in variables.items())
    reply = esl.send(
        f"bgapi originate {{origination_uuid={call},ignore_early_media=true,originate_timeout=30{extra}}}"
        f"sofia/gateway/gw/{number} &park()"
    )
    assert reply.data.startswith("+OK Job-UUID: ")
    return call, reply.headers["Job-UUID"]


def test_it_refuses_a_wrong_password(phonify):
    with pytest.raises(ValueError, match="Invalid password"):
        InboundESL(host="127.0.0.1", port=phonify.port, password="wrong").connect()


def test_it_answers_a_person_and_reports_the_call_from_create_to_destroy(esl):
    call, job = originate(esl, "+12025550143", app_call_id="42")
    wait_for(lambda: "CHANNEL_ANSWER" in esl.seen[call])
    answer = esl.seen["headers"][(call, "CHANNEL_ANSWER")]
    assert answer["Unique-ID"] == call  # our uuid is the switch's
    assert answer["variable_app_call_id"] == "42"
    assert answer["Answer-State"] == "answered"
    wait_for(lambda: job in esl.jobs)
    assert "+OK " + call in esl.jobs[job]["Content-Length"]  # greenswitch glues the body there (notes §13)
    assert esl.send(f"api uuid_exists {call}").data == "true"
    assert esl.send(f"api uuid_kill {call}").data == "+OK\n"
    wait_for(lambda: "CHANNEL_DESTROY" in esl.seen[call])
    assert esl.seen[call] == [
        "CHANNEL_CREATE",
        "CHANNEL_OUTGOING",
        "CHANNEL_PROGRESS",
        "CHANNEL_ANSWER",
        "CHANNEL_EXECUTE",
        "CHANNEL_HANGUP",
        "CHANNEL_HANGUP_COMPLETE",
        "CHANNEL_DESTROY",
    ]
    cdr = esl.seen["headers"][(call, "CHANNEL_HANGUP_COMPLETE")]
    assert (cdr["variable_hangup_cause"], cdr["variable_hangup_cause_q850"]) == ("NORMAL_CLEARING", "16")
    assert int(cdr["variable_answer_epoch"]) > 0 and cdr["variable_billsec"].isdigit()
    assert cdr["variable_app_call_id"] == "42"
    assert esl.send(f"api uuid_exists {call}").data == "false"


@pytest.mark.parametrize(
    ("number", "cause", "q850"),
    [
        ("+13055550142", "USER_BUSY", "17"),
        ("+16175550188", "NO_ANSWER", "19"),
        ("+19995550100", "UNALLOCATED_NUMBER", "1"),
    ],
)
def test_it_ends_unanswered_calls_with_the_cause(esl, phonify, number, cause, q850):
    call, job = originate(esl, number)
    wait_for(lambda: "CHANNEL_DESTROY" in esl.seen[call] and job in esl.jobs)
    assert "ANSWER" not in " ".join(esl.seen[call])
    cdr = esl.seen["headers"][(call, "CHANNEL_HANGUP_COMPLETE")]
    assert (cdr["Hangup-Cause"], cdr["variable_hangup_cause_q850"], cdr["variable_billsec"]) == (cause, q850, "0")
    assert f"-ERR {cause}" in esl.jobs[job]["Content-Length"]


def test_it_beeps_on_a_voicemail_box_when_beep_detection_was_started(esl):
    call, _ = originate(esl, "+13125550123", execute_on_answer="avmd_start")
    wait_for(lambda: "avmd::beep" in esl.seen[call])
    assert esl.seen["headers"][(call, "CUSTOM")]["Event-Subclass"] == "avmd::beep"


def test_it_sends_heartbeats(esl):
    wait_for(lambda: esl.seen.get("HEARTBEAT"), seconds=3)


def test_an_answered_person_with_no_audio_fork_waits_then_hangs_up_after_hangup_after(esl):
    call, _ = originate(esl, "+15125550147")  # Susan: answers on the first ring, hangs up 90 s (0.9 s here) later
    wait_for(lambda: "CHANNEL_DESTROY" in esl.seen[call])
    cdr = esl.seen["headers"][(call, "CHANNEL_HANGUP_COMPLETE")]
    assert cdr["Hangup-Cause"] == "NORMAL_CLEARING" and cdr["variable_answer_epoch"] != "0"
    answered = int(cdr["variable_answer_uepoch"])
    assert 0.8 < (int(cdr["variable_end_uepoch"]) - answered) / 1e6 < 3


def test_the_client_sees_the_connection_drop_when_the_switch_goes_away(esl, phonify):
    assert esl.connected
    phonify.runner.stop()
    wait_for(lambda: not esl.connected)
    with pytest.raises(NotConnectedError):
        esl.send("api status")
