"""Phonify's bytes on the wire, read by a raw-socket client: framing and reply texts as FreeSWITCH's."""

import uuid

from phonify.wire import url_encode

ORIGINATE = "originate {{origination_uuid={u},app_call_id=42,origination_caller_id_name='Acme Dental\\, LLC'}}sofia/gateway/gw/{n} &park()"  # a comma in a value is escaped: the words are unquoted before the {…} block is split


def test_it_greets_and_refuses_commands_before_auth(raw):
    block, _, _ = raw.frame()
    assert block == b"Content-Type: auth/request"
    raw.send("api status")
    assert raw.frame()[0] == b"Content-Type: command/reply\nReply-Text: -ERR command not found"
    raw.send("auth ClueCon")
    assert raw.frame()[0] == b"Content-Type: command/reply\nReply-Text: +OK accepted"


def test_it_says_goodbye_and_closes_on_a_wrong_password(raw):
    raw.frame()
    raw.send("auth nope")
    assert raw.frame()[1]["Reply-Text"] == "-ERR invalid"
    _, headers, body = raw.frame()
    assert headers["Content-Type"] == "text/disconnect-notice"
    assert body == b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n" and len(body) == 67
    assert raw.sock.recv(10) == b""  # closed


def test_it_answers_subscriptions_filters_and_exit_with_freeswitch_texts(raw):
    raw.login()
    replies = []
    for command in [
        "event plain CHANNEL_ANSWER CUSTOM avmd::beep",
        "event plain NOTHING_KNOWN",
        "filter Unique-ID abc",
        "filter delete Unique-ID abc",
        "filter Unique-ID",
        "nixevent CHANNEL_ANSWER",
        "noevents",
        "noevents",
        "bogus",
    ]:
        raw.send(command)
        replies.append(raw.frame()[1]["Reply-Text"])
    assert replies == [
        "+OK event listener enabled plain",
        "-ERR no keywords supplied",
        "+OK filter added. [Unique-ID]=[abc]",
        "+OK filter deleted. [Unique-ID][abc]",
        "-ERR invalid syntax",
        "+OK events nixed",
        "+OK no longer listening for events",
        "-ERR not listening for events",
        "-ERR command not found",
    ]
    raw.send("exit")
    assert raw.frame()[1]["Reply-Text"] == "+OK bye"
    assert raw.frame()[1]["Content-Type"] == "text/disconnect-notice"


def test_it_frames_api_replies_with_their_length(raw):
    raw.login()
    raw.send("api nonsense here")
    block, headers, body = raw.frame()
    expected = b"-ERR nonsense Command not found!\n"
    assert block == b"Content-Type: api/response\nContent-Length: " + str(len(expected)).encode()
    assert body == expected
    raw.send(f"api uuid_exists {uuid.uuid4()}")
    assert raw.frame()[2] == b"false"


def test_it_runs_bgapi_under_the_chosen_job_uuid_and_sends_the_result_as_the_event_body(raw):
    raw.login()
    raw.send("event plain BACKGROUND_JOB")
    raw.frame()
    call, job = str(uuid.uuid4()), str(uuid.uuid4())
    raw.send(f"bgapi {ORIGINATE.format(u=call, n='+13055550142')}\nJob-UUID: {job}")
    assert raw.frame()[0] == f"Content-Type: command/reply\nReply-Text: +OK Job-UUID: {job}\nJob-UUID: {job}".encode()
    headers, body = raw.event("BACKGROUND_JOB")
    assert headers["Job-UUID"] == job
    assert headers["Job-Owner-UUID"] == "_undef_"
    assert headers["Job-Command"] == "originate"
    assert headers["Job-Command-Arg"].startswith("%7Borigination_uuid%3D")
    assert body == "-ERR USER_BUSY\n"


def test_it_puts_content_length_first_and_url_encodes_values(raw):
    raw.login()
    raw.send("event plain CHANNEL_CREATE")
    raw.frame()
    raw.send(f"bgapi {ORIGINATE.format(u=uuid.uuid4(), n='+12025550143')}")
    raw.frame()
    while True:
        block, framing, body = raw.frame()
        if framing.get("Content-Type") == "text/event-plain":
            break
    assert block.startswith(b"Content-Length: ") and block.endswith(b"\nContent-Type: text/event-plain")
    assert body.startswith(b"Event-Name: CHANNEL_CREATE\nCore-UUID: ")
    assert b"\r" not in body
    assert b"Caller-Destination-Number: %2B12025550143\n" in body
    assert b"variable_origination_caller_id_name: Acme%20Dental,%20LLC\n" in body
    assert b"Event-Date-Local: " in body and b"FreeSWITCH-IPv6: %3A%3A1\n" in body


def test_it_encodes_like_freeswitch():
    assert url_encode("2025-01-28 15:00:44") == "2025-01-28%2015%3A00%3A44"
    assert url_encode("+1 {a=b}&c@d") == "%2B1%20%7Ba%3Db%7D%26c%40d"
    assert url_encode("%2B kept, %2b not") == "%2B%20kept,%20%252b%20not"
    assert url_encode("café\n") == "caf%C3%A9%0A"
    assert url_encode("a-b_c.d~!$'()*,/") == "a-b_c.d~!$'()*,/"
