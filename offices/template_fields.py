"""What an office template holds, section by section, and how a model field's value reads in YAML (times as
"09:00", dates as "2027-01-01", amounts as numbers) and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from calendars.models import BookingPolicy
from calls.models import CallingRule, DialingPolicy, OfficeHoliday
from reports.models import CostSettings

VERSION = 1
SINGLETONS: dict[str, type[models.Model]] = {
    "dialing_policy": DialingPolicy,
    "booking_policy": BookingPolicy,
    "costs": CostSettings,
}
LISTS: dict[str, type[models.Model]] = {"calling_rules": CallingRule, "holidays": OfficeHoliday}
SECTIONS = ("version", "office", *SINGLETONS, *LISTS, "scripts")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class TemplateProblemError(ValueError):
    pass


def carried_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a template carries for `model`: what staff set, not keys, owners or timestamps."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and not isinstance(field, models.ForeignKey)
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def plain(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def parsed(field: models.Field, raw: Any, where: str) -> Any:
    if isinstance(field, models.TimeField) and isinstance(raw, int):  # YAML 1.1 reads 09:00 unquoted as minutes
        raw = f"{raw // 60:02d}:{raw % 60:02d}"
    if isinstance(field, models.DecimalField) and isinstance(raw, float):
        raw = str(raw)
    try:
        return field.to_python(raw)
    except ValidationError as error:
        raise TemplateProblemError(f"{where}.{field.name}: {' '.join(error.messages)}") from None


def fields_of(model: type[models.Model], values: Any, where: str) -> dict[str, Any]:
    """A section's values, converted; a key that is no field of the section is refused by name."""
    if not isinstance(values, dict):
        raise TemplateProblemError(f"{where}: expected keys and values, found {type(values).__name__}")
    known = {field.name: field for field in carried_fields(model)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise TemplateProblemError(f"{where}: {', '.join(unknown)} — not a setting here (known: {', '.join(known)})")
    return {name: parsed(known[name], raw, where) for name, raw in values.items()}


def weekday_number(raw: Any, where: str) -> int:
    if isinstance(raw, int) and 0 <= raw <= 6:
        return raw
    if isinstance(raw, str) and raw.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(raw.strip().lower())
    raise TemplateProblemError(f"{where}.weekday: {raw!r} is not a weekday (monday … sunday)")


def shown(value: Any) -> str:
    text = repr(plain(value))
    return text if len(text) <= 70 else text[:67] + "…'"
