""" "Try it" on a script's page: staff talk with the agent in text over a websocket, see its words (the language
model's sentence by sentence), how it understood them and the tools it used — and nothing is written."""

import asyncio

import pytest
from channels.testing import WebsocketCommunicator

from calendars.models import Appointment
from calls.models import Call
from customers.models import DoNotCallEntry
from issetter.asgi import application
from tests.agent.fake_chat import KEY, MODEL, FakeChat
from tests.agent.fake_chat_stream import Spoken
from tests.issetter.test_live_socket import session_headers


def talk(headers, script_pk: int, lines: list) -> tuple[bool, int | None, list[list[dict]]]:
    """Open the socket, say each line (a dict is sent as is) and collect what came back after each."""

    async def scenario():
        socket = WebsocketCommunicator(application, f"/ws/scripts/{script_pk}/try/", headers=headers)
        connected, code = await socket.connect()
        if not connected:
            return False, code, []
        replies = [[await socket.receive_json_from(timeout=5)]]
        for line in lines:
            await socket.send_json_to(line if isinstance(line, dict) else {"say": line})
            got = []  # up to the script's line that ends every turn (or the call's end), then any stragglers
            while not got or not _turn_over(got[-1]) or not await socket.receive_nothing(timeout=0.3):
                got.append(await socket.receive_json_from(timeout=10))  # (a receive that times out ends the app)
            replies.append(got)
        await socket.disconnect()
        return True, None, replies

    return asyncio.run(scenario())


def _turn_over(message: dict) -> bool:
    return message["kind"] in ("ended", "waiting") or (message["kind"] == "agent" and message["by"] == "script")


def words(replies: list[dict], by: str | None = None) -> str:
    return " ".join(r["text"] for r in replies if r["kind"] == "agent" and (by is None or r["by"] == by))


@pytest.mark.django_db(transaction=True)
def test_only_members_of_the_scripts_office_may_try_it(script, outsider):
    assert talk([(b"origin", b"http://127.0.0.1")], script.pk, [])[:2] == (False, 4403)
    assert talk(session_headers(outsider), script.pk, [])[:2] == (False, 4403)


@pytest.mark.django_db(transaction=True)
def test_a_try_offers_real_free_times_books_nothing_and_shows_what_happened(script, colleague):
    connected, _, replies = talk(session_headers(colleague), script.pk, ["Hello?", "Yes, speaking.", "The first one."])
    assert connected and replies[0][0]["kind"] == "ready" and replies[0][0]["callee"] == "Alex"
    assert "Alex" in words(replies[1])
    offered = [r for r in replies[2] if r["kind"] == "tool" and r["name"] == "offer"]
    assert offered and " at " in offered[0]["detail"] and "Which time works best" in words(replies[2])
    assert {"kind": "understood", "label": "yes"} in replies[2]
    booking = [r for r in replies[3] if r["kind"] == "tool" and r["name"] == "book"]
    assert booking and "would be booked" in booking[0]["detail"]
    assert {"kind": "ended", "outcome": "booked"} in replies[3]
    assert not Appointment.objects.exists() and not Call.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_opt_out_on_a_try_writes_no_do_not_call_entry(script, colleague):
    _, _, replies = talk(session_headers(colleague), script.pk, ["Hello?", "Stop calling me."])
    assert {"kind": "ended", "outcome": "do_not_call"} in replies[2]
    assert any(r["kind"] == "tool" and r["name"] == "do_not_call" for r in replies[2])
    assert not DoNotCallEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_with_the_model_conducting_its_words_come_marked_and_its_tools_show(script, colleague, settings):
    script.dialogue_policy = "llm_conducts"
    script.save()
    with FakeChat() as chat:
        settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = chat.base_url, KEY, MODEL
        chat.answer(
            Spoken("Sure, let me see what I have in the morning.", [("offer_times", {"part_of_day": "morning"})])
        )
        connected, _, replies = talk(
            session_headers(colleague), script.pk, ["Hello?", "Yes.", "Hmm, mornings are better for me, honestly."]
        )
    assert "conducts the call" in replies[0][0]["policy"]
    assert words(replies[3], by="model") == "Sure, let me see what I have in the morning."
    # what the tool led to depends on the times on offer now (a search of the mornings, or the one morning time
    # already on offer read back): either way a morning time, in the script's words
    assert any(r["kind"] == "tool" and r["name"] == "offer" for r in replies[2])
    assert "AM" in words(replies[3], by="script")
    assert {"kind": "model", "note": "language model: offer_times"} in replies[3]
