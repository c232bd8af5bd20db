"""Apply an office template: create the office if its slug is new, then bring each section the file names to
what the file says — and nothing else. Applying the same file twice changes nothing the second time.

Settings are compared field by field; opening hours, the office's own calling rules and its holidays are
lists the file states in full (when it names them); scripts are matched by name and never deleted (calls keep
pointing at them). Everything is checked first (the models' own validation and the script checks) and written
in one transaction; a dry run goes through the same steps and rolls them back."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from callscripts.library import library_script
from callscripts.models import Script
from callscripts.services import EDITABLE, script_make_default, script_update
from issetter.branding import logo_content_type
from issetter.models import OFFICE_SETTINGS, Office, OfficeHours
from issetter.services import WEEKDAYS_9_TO_5, office_logo_set
from offices.template_fields import (
    LISTS,
    SECTIONS,
    SINGLETONS,
    VERSION,
    WEEKDAYS,
    TemplateProblemError,
    carried_fields,
    fields_of,
    parsed,
    plain,
    shown,
    weekday_number,
)


class TemplateInvalidError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def office_template_apply(*, document: Any, slug: str, dry_run: bool = False) -> list[str]:
    """What changed (or would change, with `dry_run`), one line each; TemplateInvalidError lists every problem."""
    if not isinstance(document, dict):
        raise TemplateInvalidError(["The file must hold keys and values (office:, scripts:, …)."])
    unknown = sorted(set(document) - set(SECTIONS))
    if unknown:
        raise TemplateInvalidError([f"{', '.join(unknown)}: not a section (known: {', '.join(SECTIONS)})"])
    if document.get("version", VERSION) != VERSION:
        raise TemplateInvalidError([f"version {document['version']!r}: this installation reads version {VERSION}"])
    changes: list[str] = []
    with transaction.atomic():
        try:
            office = _office(document.get("office") or {}, slug, changes)
            for key, model in SINGLETONS.items():
                if key in document:
                    _singleton(office, model, key, document[key] or {}, changes)
            for key, model in LISTS.items():
                if key in document:
                    _replace_list(office, model, key, document[key] or [], changes)
            for number, item in enumerate(document.get("scripts") or [], start=1):
                _script(office, item, f"scripts[{number}]", changes)
        except TemplateProblemError as problem:
            raise TemplateInvalidError([str(problem)]) from None
        if dry_run:
            transaction.set_rollback(True)
    return changes


def _checked(instance: models.Model, where: str, exclude: tuple[str, ...] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        raise TemplateProblemError(f"{where}: {details}") from None


def _assign(instance: models.Model, values: dict[str, Any], where: str, changes: list[str]) -> bool:
    changed = False
    for name, value in values.items():
        old = getattr(instance, name)
        if plain(old) != plain(value):
            if instance.pk:
                changes.append(f"{where}.{name}: {shown(old)} → {shown(value)}")
            setattr(instance, name, value)
            changed = True
    return changed


def _office(section: Any, slug: str, changes: list[str]) -> Office:
    section = dict(section) if isinstance(section, dict) else section
    if not isinstance(section, dict):
        raise TemplateProblemError("office: expected keys and values")
    hours, logo = section.pop("hours", None), section.pop("logo", ...)
    unknown = sorted(set(section) - set(OFFICE_SETTINGS))
    if unknown:
        raise TemplateProblemError(
            f"office: {', '.join(unknown)} — not an office setting (known: {', '.join(OFFICE_SETTINGS)})"
        )
    values = {name: parsed(Office._meta.get_field(name), raw, "office") for name, raw in section.items()}
    office = Office.objects.filter(slug=slug).first()
    created = office is None
    if created:
        office = Office(slug=slug)
    changed = _assign(office, values, "office", changes)
    _checked(office, "office", exclude=("logo", "logo_content_type"))
    if created:
        office.save()
        changes.append(f"office {slug}: created")
        if hours is None:
            OfficeHours.objects.bulk_create(
                OfficeHours(office=office, weekday=d, opens=o, closes=c) for d, o, c in WEEKDAYS_9_TO_5
            )
    elif changed:
        office.save()
    if hours is not None:
        _hours(office, hours, changes)
    if logo is not ...:
        _logo(office, logo, changes)
    return office


def _hours(office: Office, hours: Any, changes: list[str]) -> None:
    if not isinstance(hours, list):
        raise TemplateProblemError("office.hours: expected a list of {weekday, opens, closes}")
    wanted = []
    for number, item in enumerate(hours, start=1):
        where = f"office.hours[{number}]"
        if not isinstance(item, dict) or set(item) != {"weekday", "opens", "closes"}:
            raise TemplateProblemError(f"{where}: write weekday, opens and closes")
        row = OfficeHours(
            office=office,
            weekday=weekday_number(item["weekday"], where),
            opens=parsed(OfficeHours._meta.get_field("opens"), item["opens"], where),
            closes=parsed(OfficeHours._meta.get_field("closes"), item["closes"], where),
        )
        _checked(row, where, exclude=("office",))
        if row.closes <= row.opens:
            raise TemplateProblemError(f"{where}: closes before it opens")
        wanted.append(row)
    key = lambda h: (h.weekday, h.opens, h.closes)  # noqa: E731
    if sorted(map(key, wanted)) != sorted(map(key, office.hours.all())):
        office.hours.all().delete()
        OfficeHours.objects.bulk_create(wanted)
        listed = ", ".join(
            f"{WEEKDAYS[h.weekday][:3]} {plain(h.opens)}–{plain(h.closes)}" for h in sorted(wanted, key=key)
        )
        changes.append(f"office.hours: {listed or 'none'}")


def _logo(office: Office, logo: Any, changes: list[str]) -> None:
    if logo in (None, ""):
        data = None
    else:
        try:
            data = base64.b64decode(str(logo), validate=True)
            logo_content_type(data)
        except (binascii.Error, ValueError):
            raise TemplateProblemError("office.logo: not base64 text") from None
        except ValidationError as error:
            raise TemplateProblemError(f"office.logo: {' '.join(error.messages)}") from None
    current = Office.objects.filter(pk=office.pk).values_list("logo", flat=True).first()
    if (bytes(current) if current else None) != data:
        office_logo_set(office=office, data=data)
        changes.append("office.logo: removed" if data is None else f"office.logo: replaced ({len(data) // 1024} KB)")


def _singleton(office: Office, model: type[models.Model], key: str, section: Any, changes: list[str]) -> None:
    values = fields_of(model, section, key)
    row = model.objects.filter(office=office).first()
    created = row is None
    if created:
        row = model(office=office)
    changed = _assign(row, values, key, changes)
    _checked(row, key, exclude=("office",))
    if created or changed:
        row.save()
    if created:
        changes.append(f"{key}: set")


def _replace_list(office: Office, model: type[models.Model], key: str, items: Any, changes: list[str]) -> None:
    if not isinstance(items, list):
        raise TemplateProblemError(f"{key}: expected a list")
    wanted = []
    for number, item in enumerate(items, start=1):
        row = model(office=office, **fields_of(model, item, f"{key}[{number}]"))
        _checked(row, f"{key}[{number}]", exclude=("office",))
        wanted.append(row)
    names = [field.name for field in carried_fields(model)]
    key_of = lambda row: tuple(repr(plain(getattr(row, name))) for name in names)  # noqa: E731
    if sorted(map(key_of, wanted)) != sorted(map(key_of, model.objects.filter(office=office))):
        model.objects.filter(office=office).delete()
        model.objects.bulk_create(wanted)
        changes.append(f"{key}: {len(wanted)} in all, as the file lists them")


def _script(office: Office, item: Any, where: str, changes: list[str]) -> None:
    if not isinstance(item, dict):
        raise TemplateProblemError(f"{where}: expected keys and values")
    item = dict(item)
    base: dict[str, Any] = {}
    if "from_library" in item:
        try:
            base = dict(library_script(str(item.pop("from_library"))).values)
        except KeyError as missing:
            raise TemplateProblemError(f"{where}.from_library: {missing.args[0]}") from None
    make_default = item.pop("is_default", None)
    unknown = sorted(set(item) - set(EDITABLE))
    if unknown:
        raise TemplateProblemError(f"{where}: {', '.join(unknown)} — not a script setting")
    values = {**base, **item}
    if not values.get("name"):
        raise TemplateProblemError(f"{where}: a script needs a name")
    values = {name: parsed(Script._meta.get_field(name), raw, where) for name, raw in values.items()}
    label = f"script {values['name']!r}"
    script = Script.objects.filter(office=office, name=values["name"]).first()
    created = script is None
    if created:
        script = Script(office=office)
    changed = _assign(script, values, label, changes)
    _checked(script, label, exclude=("office",))
    if created or changed:
        script_update(script=script, values={**values, "is_default": script.is_default})
    if created:
        changes.append(f"{label}: created")
    if make_default and not script.is_default:
        script_make_default(script=script)
        changes.append(f"{label}: now the office's default")
