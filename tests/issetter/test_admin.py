"""Supervisors run their office from the admin; they see nothing of other offices."""

import pytest
from django.contrib import admin
from django.urls import reverse

from customers.models import Customer
from issetter.admin_scoping import OfficeScopedAdmin
from tests.conftest import client_for

OUR_APPS = {"issetter", "customers", "calls", "calendars", "agent"}


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
    assert "Zed" not in page


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
