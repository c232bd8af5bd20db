"""Writes for customers. (Imports, the do-not-call list and the profile service grow here.)"""

from __future__ import annotations

from customers.models import Customer
from issetter.models import Office


def customer_ensure(*, office: Office, phone: str, **fields) -> tuple[Customer, bool]:
    """The office's customer with this E.164 number, created with `fields` if new (existing data kept)."""
    Customer._meta.get_field("phone").run_validators(phone)
    return Customer.objects.get_or_create(office=office, phone=phone, defaults=fields)
