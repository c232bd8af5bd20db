"""An office as one YAML-ready document: its settings, look, opening hours, dialing, booking and cost
policies, own calling rules and holidays, and scripts (`manage.py office_template export`)."""

from __future__ import annotations

import base64
from typing import Any

from callscripts.models import Script
from callscripts.services import EDITABLE
from issetter.models import OFFICE_SETTINGS, Office
from offices.template_fields import LISTS, SINGLETONS, VERSION, WEEKDAYS, carried_fields, plain


def office_template_export(*, office: Office) -> dict[str, Any]:
    office = Office.objects.get(pk=office.pk)  # with the logo's bytes, which signed-in pages leave out
    section: dict[str, Any] = {name: plain(getattr(office, name)) for name in OFFICE_SETTINGS}
    section["hours"] = [
        {"weekday": WEEKDAYS[h.weekday], "opens": plain(h.opens), "closes": plain(h.closes)} for h in office.hours.all()
    ]
    if office.logo:
        section["logo"] = base64.b64encode(bytes(office.logo)).decode()
    document: dict[str, Any] = {"version": VERSION, "office": section}
    for key, model in SINGLETONS.items():
        row = model.objects.filter(office=office).first() or model(office=office)
        document[key] = {field.name: plain(getattr(row, field.name)) for field in carried_fields(model)}
    for key, model in LISTS.items():
        document[key] = [
            {field.name: plain(getattr(row, field.name)) for field in carried_fields(model)}
            for row in model.objects.filter(office=office)
        ]
    document["scripts"] = [
        {**{name: plain(getattr(script, name)) for name in EDITABLE}, "is_default": script.is_default}
        for script in Script.objects.filter(office=office).order_by("name")
    ]
    return document
