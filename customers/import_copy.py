"""New customers written in one go: PostgreSQL's COPY where the database is PostgreSQL — the rows go as a stream,
with no INSERT statement to build (Django's bulk_create spent most of a 100,000-row import making its SQL and
adapting 2.4 million values one by one; bench/import_customers.py) — and bulk_create elsewhere. Either way the
customers come back with their ids, for their tags; a refusal is the database error Django raises for it
(IntegrityError for a number another import created meanwhile, DataError for a value too long)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from customers.models import Customer
from issetter.models import Office


def customers_insert(customers: list[Customer], *, office: Office) -> None:
    """Insert new customers and give each its id."""
    if not customers:
        return
    if connection.vendor != "postgresql":
        Customer.objects.bulk_create(customers)
        return
    now = timezone.now()
    for customer in customers:
        customer.created_at = customer.updated_at = now  # what auto_now_add and auto_now would set
    fields = [field for field in Customer._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(Customer._meta.db_table)
    _copy(table, columns, ([getattr(customer, field.attname) for field in fields] for customer in customers))
    ids = dict(
        Customer.objects.filter(office=office, phone__in=[customer.phone for customer in customers]).values_list(
            "phone", "id"
        )
    )
    for customer in customers:
        customer.pk = ids[customer.phone]
        customer._state.adding, customer._state.db = False, "default"


def customer_tags_insert(pairs: list[tuple[int, int]], *, new_customers: bool) -> None:
    """Tag customers: (customer id, tag id) pairs. Customers created in this chunk cannot have a pair already,
    so theirs are copied; others' skip the pairs that exist."""
    link = Customer.tags.through
    if not pairs:
        return
    if connection.vendor != "postgresql" or not new_customers:
        link.objects.bulk_create([link(customer_id=c, tag_id=t) for c, t in pairs], ignore_conflicts=True)
        return
    quote = connection.ops.quote_name
    _copy(quote(link._meta.db_table), f"{quote('customer_id')}, {quote('tag_id')}", pairs)


def _copy(table: str, columns: str, rows) -> None:
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # psycopg's own cursor
            for row in rows:
                copy.write_row(row)
