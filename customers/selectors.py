"""Reads of customers, always inside one office."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from customers.models import Customer, DoNotCallEntry
from issetter.models import Office


def customer_list(*, office: Office, search: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.filter(office=office)
    search = search.strip()
    if search:
        digits = "".join(ch for ch in search if ch.isdigit())
        match = Q(first_name__icontains=search) | Q(last_name__icontains=search) | Q(email__icontains=search)
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        customers = customers.filter(match)
    return customers


def customer_count(*, office: Office) -> int:
    return Customer.objects.filter(office=office).count()


def do_not_call_count(*, office: Office) -> int:
    return DoNotCallEntry.objects.filter(office=office).count()
