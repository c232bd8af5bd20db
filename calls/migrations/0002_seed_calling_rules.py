"""Seed the calling-hours rules every office starts with: the federal window and the stricter state
windows commonly cited (shared notes: compliance). They are data: offices and supervisors can see and
edit them; `verified_on` stays empty until counsel has checked each against the current statute."""

import datetime as dt

from django.db import migrations

T = dt.time
FEDERAL = "47 CFR 64.1200(c)(1); 16 CFR 310.4(c)"
STATE_SUMMARY = "State telephone-solicitation statute (secondary summary; verify)"
RULES = [
    # (jurisdiction, weekday or None, calls_allowed, start, end, max calls per 24 h, citation)
    ("US", None, True, T(8), T(21), None, FEDERAL),
    ("FL", None, True, T(8), T(20), 3, "Fla. Stat. 501.616 / 501.059 (secondary summary; verify)"),
    ("OK", None, True, T(8), T(20), 3, STATE_SUMMARY),
    ("MD", None, True, T(8), T(20), 3, STATE_SUMMARY),
    ("AL", None, True, T(8), T(20), None, STATE_SUMMARY),
    ("AL", 6, False, T(8), T(20), None, STATE_SUMMARY),
    ("LA", None, True, T(8), T(20), None, STATE_SUMMARY),
    ("LA", 6, False, T(8), T(20), None, STATE_SUMMARY),
    ("MS", None, True, T(8), T(20), None, STATE_SUMMARY),
    ("MS", 6, False, T(8), T(20), None, STATE_SUMMARY),
    ("IN", None, True, T(9), T(20), None, STATE_SUMMARY),
    ("NV", None, True, T(9), T(20), None, STATE_SUMMARY),
    ("KY", None, True, T(10), T(21), None, STATE_SUMMARY),
    ("MA", None, True, T(8), T(20), None, STATE_SUMMARY),
    ("PA", 6, True, T(13, 30), T(21), None, STATE_SUMMARY),
    ("RI", None, True, T(9), T(18), None, STATE_SUMMARY),
    ("RI", 5, True, T(10), T(17), None, STATE_SUMMARY),
    ("RI", 6, False, T(9), T(18), None, STATE_SUMMARY),
    ("SD", 6, False, T(8), T(21), None, STATE_SUMMARY),
    ("TX", 6, True, T(12), T(21), None, STATE_SUMMARY),
]


def seed(apps, schema_editor):
    CallingRule = apps.get_model("calls", "CallingRule")
    for jurisdiction, weekday, allowed, start, end, cap, citation in RULES:
        CallingRule.objects.get_or_create(
            office=None,
            jurisdiction=jurisdiction,
            weekday=weekday,
            defaults={
                "calls_allowed": allowed,
                "start_local": start,
                "end_local": end,
                "max_calls_per_24h": cap,
                "source_citation": citation,
            },
        )


def unseed(apps, schema_editor):
    CallingRule = apps.get_model("calls", "CallingRule")
    for jurisdiction, weekday, *_ in RULES:
        CallingRule.objects.filter(office=None, jurisdiction=jurisdiction, weekday=weekday).delete()


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
