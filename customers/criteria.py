"""Criteria staff combine to find customers ("never answered, tagged renewal, not called since May").

`CustomerCriteria` is what the selector takes; `CriteriaForm` reads it from a query string, so the list,
the CSV export and "add all to queue" all see the same set.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django import forms
from django.utils.http import urlencode

from customers.keyset import Key
from customers.models import ConsentStatus

# Never contacted/answered (NULL) sorts the same on every database: last when newest first, first when
# "longest since contact" (PostgreSQL and SQLite disagree on NULLs otherwise). The id last makes each order total,
# which the list's keyset pages need (customers/keyset.py).
SORT_KEYS = {
    "name": (Key("last_name"), Key("first_name"), Key("id")),
    "-last_contacted": (Key("last_contacted_at", descending=True, nulls="last"), Key("id")),
    "last_contacted": (Key("last_contacted_at", nulls="first"), Key("id")),
    "-last_answered": (Key("last_answered_at", descending=True, nulls="last"), Key("id")),
    "attempts": (Key("attempt_count"), Key("id")),
    "-created": (Key("created_at", descending=True), Key("id", descending=True)),
}
SORTS = {name: tuple(key.order for key in keys) for name, keys in SORT_KEYS.items()}
APPOINTMENT_CHOICES = [("", "Any"), ("active", "Has an upcoming appointment"), ("none", "Has none")]


@dataclass(frozen=True)
class CustomerCriteria:
    search: str = ""
    tag: str = ""
    consent: str = ""
    contacted_before: dt.date | None = None
    contacted_after: dt.date | None = None
    never_answered: bool = False
    answered_within_days: int | None = None
    appointment: str = ""
    last_outcome: str = ""
    attempts_below: int | None = None
    sort: str = "name"

    def query_string(self) -> str:
        """The criteria as a query string (for links that keep the current filters)."""
        pairs = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value not in (None, "", False) and not (field.name == "sort" and value == "name"):
                pairs[CriteriaForm.PARAM.get(field.name, field.name)] = "on" if value is True else value
        return urlencode(pairs)


class CriteriaForm(forms.Form):
    PARAM = {"search": "q"}

    q = forms.CharField(required=False, label="Search", max_length=100)
    tag = forms.CharField(required=False, max_length=60)
    consent = forms.ChoiceField(required=False, choices=[("", "Any consent"), *ConsentStatus.choices])
    contacted_before = forms.DateField(required=False, label="Last contacted before")
    contacted_after = forms.DateField(required=False, label="Last contacted after")
    never_answered = forms.BooleanField(required=False, label="Never answered")
    answered_within_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Answered within (days)"
    )
    appointment = forms.ChoiceField(required=False, choices=APPOINTMENT_CHOICES)
    last_outcome = forms.CharField(required=False, max_length=24)
    attempts_below = forms.IntegerField(required=False, min_value=1, max_value=1000, label="Attempts fewer than")
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def criteria(self) -> CustomerCriteria:
        """The valid criteria; an invalid one is left out (and shown as an error by the form)."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        data = self.cleaned_data
        return CustomerCriteria(
            search=data.get("q") or "",
            tag=data.get("tag") or "",
            consent=data.get("consent") or "",
            contacted_before=data.get("contacted_before"),
            contacted_after=data.get("contacted_after"),
            never_answered=bool(data.get("never_answered")),
            answered_within_days=data.get("answered_within_days"),
            appointment=data.get("appointment") or "",
            last_outcome=data.get("last_outcome") or "",
            attempts_below=data.get("attempts_below"),
            sort=data.get("sort") or "name",
        )
