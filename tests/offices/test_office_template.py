"""A new customer's office set up in one command: `office_template apply FILE --office SLUG` creates the office
from the file, applying it again changes nothing, a dry run writes nothing, a bad file is refused whole with
the reason, and an exported office applied elsewhere comes out the same."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from calendars.models import BookingPolicy
from calls.models import DialingPolicy, OfficeHoliday
from callscripts.models import Script
from issetter.models import Office, OfficeHours
from offices.template_export import office_template_export
from reports.models import CostSettings

LAKESIDE = Path(__file__).with_name("lakeside.yaml")


def template(*args: str) -> str:
    out = StringIO()
    call_command("office_template", *args, stdout=out)
    return out.getvalue()


def snapshot(office: Office) -> dict:
    return {
        "export": office_template_export(office=office),
        "script_updates": sorted(Script.objects.filter(office=office).values_list("name", "updated_at")),
        "rows": [
            OfficeHours.objects.filter(office=office).count(),
            OfficeHoliday.objects.filter(office=office).count(),
            Script.objects.filter(office=office).count(),
        ],
    }


def test_it_creates_the_office_from_the_file(db):
    printed = template("apply", str(LAKESIDE), "--office", "lakeside")
    office = Office.objects.get(slug="lakeside")
    assert "office lakeside: created" in printed
    assert (office.name, office.time_zone, office.sign_in_with, office.accent_colour) == (
        "Lakeside Insurance",
        "America/Chicago",
        "microsoft",
        "#0b7a75",
    )
    assert [(h.weekday, f"{h.opens:%H:%M}") for h in office.hours.all()] == [(0, "08:30"), (1, "08:30")]
    assert DialingPolicy.objects.get(office=office).reminder_hours_before == 24
    assert BookingPolicy.objects.get(office=office).meeting == "online"
    assert str(CostSettings.objects.get(office=office).kept_appointment_value) == "220.0000"
    scripts = {s.name: s for s in Script.objects.filter(office=office)}
    assert scripts["Policy renewal"].is_default and scripts["Annual review"].agent_name == "Maya"
    assert "{office_legal_name}" in scripts["Policy renewal"].greeting


def test_applying_it_twice_changes_nothing_the_second_time(db):
    template("apply", str(LAKESIDE), "--office", "lakeside")
    before = snapshot(Office.objects.get(slug="lakeside"))
    printed = template("apply", str(LAKESIDE), "--office", "lakeside")
    assert printed.startswith("No changes")
    assert snapshot(Office.objects.get(slug="lakeside")) == before


def test_a_dry_run_shows_the_changes_and_writes_nothing(office):
    printed = template("apply", str(LAKESIDE), "--office", "north", "--dry-run")
    assert "office.name: 'North Insurance' → 'Lakeside Insurance'" in printed
    assert "office.time_zone: 'America/New_York' → 'America/Chicago'" in printed
    assert "script 'Policy renewal': created" in printed and "Dry run: nothing was written." in printed
    office.refresh_from_db()
    assert office.name == "North Insurance" and not Script.objects.filter(office=office).exists()


def test_it_changes_an_existing_office_only_where_the_file_differs(office, tmp_path):
    changed = tmp_path / "hours.yaml"
    changed.write_text("office:\n  name: North Insurance\n  legal_name: North Insurance Group\n")
    printed = template("apply", str(changed), "--office", "north")
    assert printed.splitlines()[1:] == ["  office.legal_name: '' → 'North Insurance Group'"]
    assert OfficeHours.objects.filter(office=office).count() == 5  # hours the file does not name stay


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("offices: {}\n", "offices: not a section"),
        ("office:\n  name: X\n  colour: red\n", "colour — not an office setting"),
        ("office:\n  caller_id_number: '555'\n", "caller_id_number: Enter the number in international form"),
        ("dialing_policy:\n  max_concurrent_calls: many\n", "dialing_policy.max_concurrent_calls"),
        ("scripts:\n  - name: Quiet\n    greeting: Hello, is this {first_name}?\n", "must say the caller is automated"),
        ("scripts:\n  - from_library: tax_return\n", "No script 'tax_return' in the library"),
        ("office:\n  hours:\n    - {weekday: funday, opens: '09:00', closes: '17:00'}\n", "'funday' is not a weekday"),
    ],
)
def test_it_refuses_a_bad_file_whole_with_the_reason(office, tmp_path, text, reason):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"{text}")
    with pytest.raises(CommandError, match="was not applied") as refused:
        template("apply", str(bad), "--office", "north")
    assert reason in str(refused.value)
    assert office_template_export(office=office)["office"]["name"] == "North Insurance"


def test_a_new_office_needs_its_numbers(db, tmp_path):
    thin = tmp_path / "thin.yaml"
    thin.write_text("office:\n  name: Thin Office\n")
    with pytest.raises(CommandError, match="caller_id_number"):
        template("apply", str(thin), "--office", "thin")
    assert not Office.objects.filter(slug="thin").exists()


def test_an_exported_office_applied_elsewhere_comes_out_the_same(db, tmp_path):
    template("apply", str(LAKESIDE), "--office", "lakeside")
    exported = tmp_path / "lakeside-export.yaml"
    template("export", "--office", "lakeside", "--output", str(exported))
    assert yaml.safe_load(exported.read_text())["office"]["name"] == "Lakeside Insurance"
    template("apply", str(exported), "--office", "lakeside-two")
    assert office_template_export(office=Office.objects.get(slug="lakeside-two")) == office_template_export(
        office=Office.objects.get(slug="lakeside")
    )
    assert template("apply", str(exported), "--office", "lakeside").startswith("No changes")
