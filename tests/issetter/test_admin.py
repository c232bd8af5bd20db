"""Supervisors run their office from the admin; they see nothing of other offices."""

import pytest
from django.contrib import admin
from django.urls import reverse

from customers.models import Customer
from issetter.admin_scoping import OfficeScopedAdmin
from tests.conftest import client_for

OUR_APPS = {"issetter", "customers", "calls", "calendars", "agent", "reports"}


def our_model_admins():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OUR_APPS
    ]


def test_it_registers_every_model_of_ours():
    from django.apps import apps

    from issetter.models import LiveMessage

    plumbing = {LiveMessage}  # fragments in transit to the live page: nothing for a person to edit
    ours = {model for label in OUR_APPS for model in apps.get_app_config(label).get_models()} - plumbing
    assert ours == {model for model, _ in our_model_admins()}


def test_it_loads_every_admin_page_for_a_supervisor(supervisor, call, script):
    client = client_for(supervisor)
    assert client.get(reverse("admin:index")).status_code == 200
    scoped = [
        (model, model_admin) for model, model_admin in our_model_admins() if isinstance(model_admin, OfficeScopedAdmin)
    ]
    assert len(scoped) == len(our_model_admins()) - 1  # all but user accounts, which only superusers manage
    for model, model_admin in scoped:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"admin:{info}_changelist")).status_code == 200, info
        if model_admin.supervisor_can_add:
            assert client.get(reverse(f"admin:{info}_add")).status_code == 200, info


def test_it_opens_records_of_the_office_read_only_where_they_are_switch_data(supervisor, call):
    response = client_for(supervisor).get(reverse("admin:calls_call_change", args=[call.pk]))
    assert response.status_code == 200
    assert 'name="cdr"' not in response.text  # shown, not editable


def test_it_hides_other_offices_from_a_supervisor(supervisor, customer, other_office):
    stranger = Customer.objects.create(office=other_office, first_name="Zed", last_name="Other", phone="+13125550123")
    client = client_for(supervisor)
    listing = client.get(reverse("admin:customers_customer_changelist")).text
    assert "Maria Lopez" in listing and "Zed Other" not in listing
    response = client.get(reverse("admin:customers_customer_change", args=[stranger.pk]))
    assert response.status_code == 302  # Django admin redirects "does not exist" to the index
    assert Customer.objects.get(pk=stranger.pk).first_name == "Zed"


def test_it_puts_what_a_supervisor_adds_in_their_office(supervisor, office):
    response = client_for(supervisor).post(reverse("admin:customers_tag_add"), {"office": office.pk, "name": "vip"})
    assert response.status_code == 302
    assert office.tags.get().name == "vip"


def test_it_keeps_staff_out_of_the_admin(colleague):
    response = client_for(colleague).get(reverse("admin:index"))
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["admin:issetter_user_changelist", "admin:issetter_office_add"])
def test_it_keeps_supervisors_out_of_user_accounts_and_new_offices(supervisor, path):
    assert client_for(supervisor).get(reverse(path)).status_code == 403


def test_it_refuses_to_put_a_row_in_another_office(supervisor, other_office):
    response = client_for(supervisor).post(reverse("admin:customers_tag_add"), {"office": other_office.pk, "name": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not other_office.tags.exists()


def test_it_reports_a_duplicate_as_a_form_error(supervisor, office):
    client = client_for(supervisor)
    client.post(reverse("admin:customers_tag_add"), {"office": office.pk, "name": "vip"})
    response = client.post(reverse("admin:customers_tag_add"), {"office": office.pk, "name": "vip"})
    assert response.status_code == 200
    assert "already exists" in response.text
    assert office.tags.count() == 1


def test_it_never_labels_a_form_field_with_another_office_customer(supervisor, other_office):
    stranger = Customer.objects.create(office=other_office, first_name="Zed", last_name="Other", phone="+13125550123")
    page = client_for(supervisor).get(reverse("admin:calls_queueentry_add") + f"?customer={stranger.pk}").text
    assert "Zed Other" not in page and stranger.phone not in page  # ("Zed" alone once turned up in a CSRF token)


def test_it_refuses_feedback_on_another_office_transcript(supervisor, office, call, other_office):
    from agent.models import Feedback
    from calls.models import Call, Turn

    theirs = Customer.objects.create(office=other_office, first_name="Zed", phone="+13125550123")
    their_turn = Turn.objects.create(
        call=Call.objects.create(office=other_office, customer=theirs, to_number=theirs.phone),
        index=0,
        speaker="callee",
        text="my secret",
    )
    response = client_for(supervisor).post(
        reverse("admin:agent_feedback_add"),
        {"office": office.pk, "call": call.pk, "turn": their_turn.pk, "rating": "bad"},
    )
    assert response.status_code == 200
    assert not Feedback.objects.exists()
    assert "my secret" not in response.text


def test_it_lists_only_the_office_names_in_filters(supervisor, customer, other_office):
    from customers.models import Tag

    customer.tags.add(Tag.objects.create(office=customer.office, name="north-vip"))
    Customer.objects.create(office=other_office, first_name="Zed", phone="+13125550123").tags.add(
        Tag.objects.create(office=other_office, name="south-secret")
    )
    client = client_for(supervisor)
    customers_page = client.get(reverse("admin:customers_customer_changelist")).text
    members_page = client.get(reverse("admin:issetter_membership_changelist")).text
    assert "north-vip" in customers_page and "south-secret" not in customers_page
    assert "South Finance" not in members_page


def test_it_gives_or_takes_admin_access_with_the_role(supervisor, colleague):
    membership = colleague.membership
    response = client_for(supervisor).post(
        reverse("admin:issetter_membership_change", args=[membership.pk]),
        {"office": membership.office_id, "user": colleague.pk, "role": "supervisor"},
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_staff


OFFICE_FORM = {
    "name": "North Insurance",
    "caller_id_number": "+12025550100",
    "callback_number": "+12025550143",
    "time_zone": "America/New_York",
    "phone_region": "US",
    "sign_in_with": "any",
    "calendars_with": "any",
    "accent_colour": "#1f5fae",
    "hours-TOTAL_FORMS": "0",
    "hours-INITIAL_FORMS": "0",
    "hours-MIN_NUM_FORMS": "0",
    "hours-MAX_NUM_FORMS": "1000",
}


def test_it_opens_and_saves_the_office_page_for_its_supervisor(supervisor, office):
    client = client_for(supervisor)
    url = reverse("admin:issetter_office_change", args=[office.pk])
    assert client.get(url).status_code == 200  # the read-only slug is not prepopulated from the name
    response = client.post(url, {**OFFICE_FORM, "legal_name": "O'Brien & Daughters, Insurance"})
    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.legal_name, office.slug) == ("O'Brien & Daughters, Insurance", "north")


def test_it_refuses_an_office_name_with_a_line_break(supervisor, office):
    injected = "Demo Ltd\n\nbgapi originate {origination_uuid=x}sofia/gateway/trunk/+19005550199 &park()"
    client = client_for(supervisor)
    url = reverse("admin:issetter_office_change", args=[office.pk])
    for field in ("legal_name", "name"):
        response = client.post(url, {**OFFICE_FORM, field: injected})
        assert response.status_code == 200
        assert "Write this on one line" in response.text
    office.refresh_from_db()
    assert (office.name, office.legal_name) == ("North Insurance", "")


def test_it_refuses_a_customer_name_with_a_control_character(supervisor, customer):
    response = client_for(supervisor).post(
        reverse("admin:customers_customer_change", args=[customer.pk]),
        {"office": customer.office_id, "first_name": "Maria\tX", "last_name": "Lopez\n", "phone": customer.phone},
    )
    assert response.status_code == 200
    assert response.text.count("Write this on one line") == 1  # the trailing line break is trimmed, the tab is not
    customer.refresh_from_db()
    assert customer.first_name == "Maria"


CALLING_RULE = {"jurisdiction": "US", "weekday": "1", "start_local": "08:00", "end_local": "21:00"}


def test_it_keeps_a_supervisor_from_making_a_calling_rule_for_every_office(supervisor, office):
    from calls.models import CallingRule

    shared = set(CallingRule.objects.filter(office=None))  # the federal rules every office starts with
    client = client_for(supervisor)
    page = client.get(reverse("admin:calls_callingrule_add")).text
    assert f'name="office" value="{office.pk}"' in page  # the new rule starts in their own office
    response = client.post(reverse("admin:calls_callingrule_add"), {**CALLING_RULE, "office": ""})
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert set(CallingRule.objects.filter(office=None)) == shared
    response = client.post(reverse("admin:calls_callingrule_add"), {**CALLING_RULE, "office": office.pk})
    assert response.status_code == 302
    assert CallingRule.objects.get(office=office).weekday == 1


def test_it_keeps_a_supervisor_from_moving_a_rule_to_every_office(supervisor, office):
    from calls.models import CallingRule

    rule = CallingRule.objects.create(office=office, weekday=1)
    response = client_for(supervisor).post(
        reverse("admin:calls_callingrule_change", args=[rule.pk]), {**CALLING_RULE, "office": ""}
    )
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.office == office


def test_it_lets_a_superuser_make_a_calling_rule_for_every_office(db):
    from django.contrib.auth import get_user_model

    from calls.models import CallingRule

    shared = CallingRule.objects.filter(office=None).count()
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    response = client_for(root).post(reverse("admin:calls_callingrule_add"), {**CALLING_RULE, "office": ""})
    assert response.status_code == 302
    assert CallingRule.objects.filter(office=None).count() == shared + 1
