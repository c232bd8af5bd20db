"""A call's admin page: what the switch wrote is read-only; staff may flag the call."""

from django.urls import reverse

from calls.call_events import EVENT_FIELDS
from calls.models import Call
from tests.conftest import client_for


def test_it_shows_every_field_an_event_may_change_read_only_but_the_flag(supervisor, call):
    page = client_for(supervisor).get(reverse("admin:calls_call_change", args=[call.pk])).text
    editable = {field for field in EVENT_FIELDS if f'name="{field}"' in page}
    assert editable == {"flagged", "flag_reason"}


def test_it_saves_a_flag_and_leaves_the_switch_data_as_it_was(supervisor, call):
    Call.objects.filter(pk=call.pk).update(status=Call.Status.ANSWERED, agent_status=Call.AgentStatus.LISTENING)
    response = client_for(supervisor).post(
        reverse("admin:calls_call_change", args=[call.pk]),
        {
            "office": call.office_id,
            "flagged": "on",
            "flag_reason": "Sounded upset",
            "status": Call.Status.ENDED,
            "agent_status": "",
            "summary": "",
            **inline_management("turns"),
            **inline_management("events"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    call.refresh_from_db()
    assert (call.flagged, call.flag_reason) == (True, "Sounded upset")
    assert (call.status, call.agent_status) == (Call.Status.ANSWERED, Call.AgentStatus.LISTENING)


def inline_management(prefix: str) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
