"""The call page shows staff why the agent did what it did: each callee turn with what was heard, the
recogniser's confidence and how the agent understood it."""

from django.urls import reverse

from calls.models import Turn
from tests.conftest import client_for


def test_it_shows_how_each_callee_turn_was_heard_and_understood(colleague, call):
    Turn.objects.create(call=call, index=1, speaker=Turn.Speaker.AGENT, text="Is this Maria?")
    Turn.objects.create(
        call=call, index=2, speaker=Turn.Speaker.CALLEE, text="please take me off your list", confidence=0.83,
        understood="opt_out",
    )  # fmt: skip
    Turn.objects.create(
        call=call, index=3, speaker=Turn.Speaker.CALLEE, text="thursday at two", understood="choose (thursday, 14:00)"
    )
    page = client_for(colleague).get(reverse("calls:detail", args=[call.uuid])).content.decode()
    assert "heard with 0.83 confidence, understood as <code>opt_out</code>" in page
    assert "understood as <code>choose (thursday, 14:00)</code>" in page
    assert page.count("understood as") == 2  # nothing of the kind beside the agent's own words


def test_another_office_cannot_see_the_turns(outsider, call):
    Turn.objects.create(call=call, index=1, speaker=Turn.Speaker.CALLEE, text="my secret words", understood="yes")
    response = client_for(outsider).get(reverse("calls:detail", args=[call.uuid]))
    assert response.status_code == 404 and b"my secret words" not in response.content
