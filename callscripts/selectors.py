"""Reads for scripts: the office's list (its default first), whether a name is taken, the office's default,
and one of the office's scripts by id."""

from __future__ import annotations

from django.db.models import QuerySet

from callscripts.models import Script
from issetter.models import Office


def script_list(*, office: Office) -> QuerySet[Script]:
    return Script.objects.filter(office=office).order_by("-is_default", "name")


def script_default(*, office_id: int) -> Script | None:
    """The office's default script, or None when it has none (a call then speaks the built-in wording)."""
    return Script.objects.filter(office_id=office_id, is_default=True).first()


def script_of_office(*, office_id: int, script_id) -> Script | None:
    """One of the office's scripts; None for another office's, or none at all."""
    return Script.objects.filter(office_id=office_id, pk=script_id).first()


def script_name_taken(*, office: Office, name: str, other_than: Script | None = None) -> bool:
    scripts = Script.objects.filter(office=office, name__iexact=name.strip())
    if other_than is not None and other_than.pk:
        scripts = scripts.exclude(pk=other_than.pk)
    return scripts.exists()
