"""Importing customers' states: any common spelling to the USPS code the calling rules use, else the state
of the ZIP code, else of the area code; customers left without a state are listed in the summary."""

import pytest
from django.urls import reverse

from customers.customer_import import customer_import
from customers.models import Customer, ImportBatch
from customers.us_states import state_code
from customers.zip_code_states import state_for_zip
from tests.conftest import client_for


def imported(office, text: str):
    return customer_import(office=office, data=text.encode(), file_name="states.csv")


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("FL", "FL"),
        ("fl", "FL"),
        ("Florida", "FL"),
        ("Fla.", "FL"),
        ("Calif.", "CA"),
        ("Mass.", "MA"),
        ("N.Y.", "NY"),
        ("W. Va.", "WV"),
        ("Washington, D.C.", "DC"),
        ("  new hampshire ", "NH"),
        ("Ontario", ""),
        ("Flo rida land", ""),
    ],
)
def test_it_reads_state_names_codes_and_ap_abbreviations(written, code):
    assert state_code(written) == code


@pytest.mark.parametrize(
    ("postal_code", "state"),
    [("33139", "FL"), ("02108", "MA"), ("2108", "MA"), ("40202-1234", "KY"), ("73301", "TX"), ("K1A 0B1", "")],
)
def test_it_places_a_zip_code_in_its_state(postal_code, state):
    assert state_for_zip(postal_code) == state


def test_it_stores_the_state_however_the_file_spells_it(office):
    imported(
        office,
        "name,phone,state\nAnn,2025550101,Florida\nBen,2025550102,Fla.\nCal,2025550103,Calif.\nDee,2025550104,ma\n",
    )
    assert dict(Customer.objects.values_list("first_name", "state")) == {
        "Ann": "FL",
        "Ben": "FL",
        "Cal": "CA",
        "Dee": "MA",
    }


def test_a_blank_state_comes_from_the_zip_code_else_the_area_code(office):
    imported(office, "name,phone,state,zip\nAnn,3125550101,,33139\nBen,3055550102,,\nCal,3055550103,Texas,33139\n")
    assert dict(Customer.objects.values_list("first_name", "state")) == {"Ann": "FL", "Ben": "FL", "Cal": "TX"}


def test_customers_left_without_a_state_are_listed_in_the_summary(colleague, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = imported(office, "name,phone,state\nAnn,4165550101,Ontario\nBen,+44 20 7946 0958,\nCal,3055550103,\n")
    assert result.state_unknown == [
        {"line": 2, "reason": "state 'Ontario' is not a US state we know"},
        {"line": 3, "reason": "no state, US ZIP code or US area code"},
    ]
    batch = ImportBatch.objects.get(office=office)
    page = client_for(colleague).get(reverse("customers:import_detail", args=[batch.pk])).text
    assert "<strong>2</strong> imported customers without a known US state" in page
    assert "state &#x27;Ontario&#x27; is not a US state we know" in page


def test_a_customer_with_a_state_on_file_is_not_listed_when_the_file_has_none(office):
    Customer.objects.create(office=office, phone="+14165550101", state="NY")
    result = imported(office, "name,phone\nAnn,4165550101\n")
    assert result.updated == 1 and result.state_unknown == []
