import csv
import io

from django.urls import reverse

from customers.models import Customer
from tests.conftest import client_for


def exported(client, **query) -> list[list[str]]:
    response = client.get(reverse("customers:export"), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_exports_the_filtered_list_of_the_office_only(colleague, office, other_office):
    Customer.objects.create(
        office=office, first_name="Ann", last_name="A", phone="+12025550101", consent_status="express"
    )
    Customer.objects.create(office=office, first_name="Ben", last_name="B", phone="+12025550102")
    Customer.objects.create(
        office=other_office, first_name="Zed", last_name="Z", phone="+12025550103", consent_status="express"
    )
    rows = exported(client_for(colleague), consent="express")
    assert rows[0][:3] == ["First name", "Last name", "Phone"]
    assert [row[0] for row in rows[1:]] == ["Ann"]


def test_it_neutralises_cells_that_a_spreadsheet_would_run(colleague, office):
    Customer.objects.create(
        office=office,
        first_name='=HYPERLINK("http://evil.example","click")',
        last_name="@SUM(A1)",
        phone="+12025550101",
        notes="-2+3",
    )
    row = exported(client_for(colleague))[1]
    assert row[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[1] == "'@SUM(A1)"
    assert row[-1] == "'-2+3"


def test_it_exports_phone_numbers_as_numbers_not_as_guarded_text(colleague, office):
    Customer.objects.create(
        office=office, first_name="Ann", phone="+13055550100", phone_extension="12", notes="+1 305 =cmd"
    )
    header, row = exported(client_for(colleague))
    assert (row[header.index("Phone")], row[header.index("Extension")]) == ("+13055550100", "12")
    assert row[header.index("Notes")] == "'+1 305 =cmd"  # not a phone number: still guarded
