"""`manage.py import_customers`: every format and mess offices export, nothing lost, clear refusals."""

import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from customers.models import ConsentStatus, Customer, DoNotCallEntry, ImportBatch


def run_import(path, office_slug="north") -> dict:
    out = StringIO()
    call_command("import_customers", str(path), "--office", office_slug, "--json", stdout=out)
    text = out.getvalue()
    result = json.loads(text)  # exactly one JSON object
    assert result["created"] + result["updated"] + result["duplicates"] + result["invalid"] == result["rows"]
    return result


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_it_imports_utf8_with_bom_and_full_names(office, tmp_path):
    path = write(
        tmp_path, "list.csv", "Full Name,Mobile,E-mail\nMaria Lopez,(202) 555-0143,Maria@Example.com\n", "utf-8-sig"
    )
    result = run_import(path)
    assert (result["rows"], result["created"], result["errors"]) == (1, 1, [])
    maria = Customer.objects.get(office=office)
    assert (maria.first_name, maria.last_name, maria.phone, maria.email) == (
        "Maria",
        "Lopez",
        "+12025550143",
        "maria@example.com",
    )


def test_it_reads_windows_1252_with_semicolons(office, tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        "Nom;PHONE;Notes\nMuñoz, José;202-555-0143;Café owner\n".replace("Nom", "Name"),
        "cp1252",
    )
    run_import(path)
    customer = Customer.objects.get(office=office)
    assert (customer.first_name, customer.last_name, customer.notes) == ("José", "Muñoz", "Café owner")


def test_it_reads_tabs_and_headers_in_any_case(office, tmp_path):
    path = write(tmp_path, "tabs.tsv", "FIRST NAME\tlast_name\tPhone Number\nJames\tCarter\t312 555 0123\n")
    run_import(path)
    james = Customer.objects.get(office=office)
    assert (james.first_name, james.last_name, james.phone) == ("James", "Carter", "+13125550123")


def test_it_reports_physical_line_numbers_after_quoted_newlines(office, tmp_path):
    path = write(
        tmp_path,
        "notes.csv",
        'name,phone,notes\nMaria Lopez,2025550143,"line one\nline two\nline three"\nBad Row,12,\nLinda Nguyen,6175550188,\n',
    )
    result = run_import(path)
    assert result["errors"] == [{"line": 5, "reason": "'12' is not a valid phone number"}]
    assert Customer.objects.get(phone="+12025550143").notes == "line one\nline two\nline three"
    assert result["created"] == 2


def test_it_lands_good_rows_and_reports_each_bad_one(office, tmp_path):
    path = write(
        tmp_path,
        "mess.csv",
        "name,phone,email\nA One,2025550143,\nB Two,,b@example.com\nC Three,not a number,\nD Four,3125550123,d@@bad\nE Five,6175550188,e@example.com\n",
    )
    result = run_import(path)
    assert (result["rows"], result["created"], result["invalid"]) == (5, 2, 3)
    assert result["errors"] == [
        {"line": 3, "reason": "no phone number"},
        {"line": 4, "reason": "'not a number' is not a phone number"},
        {"line": 5, "reason": "'d@@bad' is not a valid email address"},
    ]


def test_it_keeps_the_first_of_repeated_numbers(office, tmp_path):
    path = write(tmp_path, "dupes.csv", "name,phone\nFirst Maria,2025550143\nSecond Maria,+1 202 555 0143\n")
    result = run_import(path)
    assert (result["created"], result["duplicates"]) == (1, 1)
    assert result["errors"] == [{"line": 3, "reason": "duplicate of line 2 (+12025550143)"}]
    assert Customer.objects.get(office=office).first_name == "First"


def test_it_fills_gaps_in_existing_customers_without_erasing(office, customer, tmp_path):
    customer.email = "keep@example.com"
    customer.save()
    path = write(tmp_path, "update.csv", "first name,last name,phone,email,notes\n,,2025550143,,Prefers mornings\n")
    result = run_import(path)
    assert (result["created"], result["updated"]) == (0, 1)
    customer.refresh_from_db()
    assert (customer.first_name, customer.email, customer.notes) == ("Maria", "keep@example.com", "Prefers mornings")


def test_it_creates_nothing_new_when_the_same_file_comes_again(office, tmp_path):
    path = write(
        tmp_path, "list.csv", "name,phone,tags\nMaria Lopez,2025550143,vip; renewal\nJames Carter,3125550123,\n"
    )
    first, second = run_import(path), run_import(path)
    assert (first["created"], second["created"], second["updated"]) == (2, 0, 2)
    assert Customer.objects.filter(office=office).count() == 2
    assert sorted(Customer.objects.get(phone="+12025550143").tags.values_list("name", flat=True)) == ["renewal", "vip"]


def test_it_keeps_a_do_not_call_number_blocked_on_every_import(office, tmp_path):
    DoNotCallEntry.objects.create(office=office, phone="+12025550143")
    path = write(tmp_path, "list.csv", "name,phone\nMaria Lopez,2025550143\n")
    run_import(path)
    assert Customer.objects.get(office=office).do_not_call
    Customer.objects.filter(office=office).update(do_not_call=False)  # someone clears the flag
    run_import(path)
    assert Customer.objects.get(office=office).do_not_call


def test_it_imports_into_one_office_only(office, other_office, tmp_path):
    theirs = Customer.objects.create(office=other_office, first_name="Zed", phone="+12025550143")
    run_import(write(tmp_path, "list.csv", "name,phone,email\nMaria Lopez,2025550143,m@example.com\n"))
    theirs.refresh_from_db()
    assert (theirs.first_name, theirs.email) == ("Zed", "")
    assert Customer.objects.get(office=office).first_name == "Maria"


def test_it_takes_the_zone_from_the_file_else_the_number_else_the_office(office, tmp_path):
    path = write(
        tmp_path, "zones.csv", "name,phone,time zone\nA,2025550143,Pacific\nB,3125550123,\nC,+44 20 7946 0958,\n"
    )
    run_import(path)
    zones = dict(Customer.objects.values_list("first_name", "time_zone"))
    assert zones == {"A": "America/Los_Angeles", "B": "America/Chicago", "C": "Europe/London"}


def test_it_reads_consent_and_applies_a_later_revocation(office, tmp_path):
    run_import(write(tmp_path, "a.csv", "name,phone,consent\nMaria Lopez,2025550143,Yes\n"))
    maria = Customer.objects.get(office=office)
    assert maria.consent_status == ConsentStatus.EXPRESS
    assert maria.consent_source == "Imported from a.csv, line 2"
    run_import(write(tmp_path, "b.csv", "name,phone,consent\nMaria Lopez,2025550143,opt-out\n"))
    maria.refresh_from_db()
    assert maria.consent_status == ConsentStatus.REVOKED


def test_it_imports_xlsx_with_numeric_phones(office, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Cell", "Email"])
    sheet.append(["Maria Lopez", 2025550143, "maria@example.com"])
    sheet.append([None, None, None])
    sheet.append(["Bad Number", 12345, None])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    result = run_import(path)
    assert (result["rows"], result["created"]) == (2, 1)
    assert result["errors"] == [{"line": 4, "reason": "'12345' is not a valid phone number"}]
    assert Customer.objects.get(office=office).phone == "+12025550143"


def test_it_records_the_import_as_a_batch(office, tmp_path):
    run_import(write(tmp_path, "list.csv", "name,phone\nMaria Lopez,2025550143\nBad,1\n"))
    batch = ImportBatch.objects.get(office=office)
    assert (batch.status, batch.rows_total, batch.created_count, batch.invalid_count) == ("done", 2, 1, 1)
    assert batch.problems == [{"line": 3, "reason": "'1' is not a phone number"}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "The file is empty"),
        ("blank.csv", b"\n\n  \n", "The file is empty"),
        ("scan.pdf", b"%PDF-1.4\x00\x01binary", "not a CSV or XLSX file"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "cannot be opened"),
        (
            "nophone.csv",
            b"name,email\nMaria,m@example.com\n",
            "No phone column found (columns in the file: 'name', 'email')",
        ),
    ],
)
def test_it_refuses_files_it_cannot_import_and_says_why(office, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_import(path)
    assert Customer.objects.count() == 0


def test_it_refuses_a_file_over_the_size_limit(office, tmp_path, settings):
    settings.CUSTOMER_IMPORT_MAX_BYTES = 100
    path = write(tmp_path, "big.csv", "name,phone\n" + "Maria Lopez,2025550143\n" * 10)
    with pytest.raises(CommandError, match="the limit is"):
        run_import(path)


def test_it_keeps_the_extension_of_a_phone_number(office, tmp_path):
    path = write(
        tmp_path,
        "ext.csv",
        "name,phone\nAnn,305-555-0101 ext. 12\nBen,(305) 555-0102 x7\nCal,305 555 0103 #4410\nDee,3055550104\n",
    )
    run_import(path)
    assert dict(Customer.objects.values_list("first_name", "phone_extension")) == {
        "Ann": "12",
        "Ben": "7",
        "Cal": "4410",
        "Dee": "",
    }
    assert Customer.objects.get(first_name="Ann").phone == "+13055550101"
