"""The script library: every script in it passes the checks a call depends on, and staff start their own copy
from the Scripts page."""

from django.urls import reverse

from callscripts.library import library_problems, library_scripts
from callscripts.models import Script
from tests.conftest import client_for


def test_it_offers_the_four_scripts_and_each_passes_the_checks(office):
    assert [entry.key for entry in library_scripts()] == [
        "annual_review",
        "appointment_reminder",
        "new_client_consult",
        "policy_renewal",
    ]
    assert library_problems(office=office) == {}


def test_staff_start_a_script_from_the_library_and_get_their_own_copy(colleague, office):
    client = client_for(colleague)
    page = client.get(reverse("agent:script_list")).text
    assert "Use Policy renewal" in page
    first = client.post(reverse("agent:script_from_template", args=["policy_renewal"]))
    script = Script.objects.get(office=office, name="Policy renewal")
    assert first["Location"] == reverse("agent:script_edit", args=[script.pk])
    assert script.appointment_minutes == 20 and "renews soon" in script.purpose
    client.post(reverse("agent:script_from_template", args=["policy_renewal"]))
    assert Script.objects.filter(office=office, name="Policy renewal 2").exists()
    assert client.post(reverse("agent:script_from_template", args=["nothing"])).status_code == 404
