"""Trigram indexes so searching a name or email inside a million customers is an index lookup (PostgreSQL
only; SQLite has no such index and scans). Django's icontains compiles to UPPER(column) LIKE UPPER(…),
so those indexes are on the upper-cased columns; part-of-a-number search uses one on the phone."""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS customer_{column}_trgm ON customers_customer "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )
    # phone__contains (part of a number) is a case-sensitive LIKE on the column itself.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_phone_trgm ON customers_customer USING gin (phone gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in (*COLUMNS, "phone"):
        schema_editor.execute(f"DROP INDEX IF EXISTS customer_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
