"""`manage.py import_customers FILE --office SLUG [--json]`: the upload page's import, from a shell."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customers.customer_import import customer_import
from customers.import_columns import MappingError
from customers.import_files import ImportFileError
from issetter.models import Office


class Command(BaseCommand):
    help = "Import customers from a CSV or XLSX file into an office (columns are matched automatically)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--office", required=True, help="office slug")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print one JSON object with the counts and errors"
        )

    def handle(self, *args, file: Path, office: str, as_json: bool, **options) -> None:
        try:
            target = Office.objects.get(slug=office)
        except Office.DoesNotExist:
            raise CommandError(f"no office with slug {office!r}") from None
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        try:
            result = customer_import(office=target, data=data, file_name=file.name)
        except (ImportFileError, MappingError) as problem:
            raise CommandError(f"{file.name}: {problem}") from None
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{file.name}: {result.rows} rows — {result.created} created, {result.updated} updated, "
            f"{result.duplicates} duplicates, {result.invalid} invalid"
        )
        for error in result.errors:
            self.stdout.write(f"  line {error['line']}: {error['reason']}")
        if result.state_unknown:
            self.stdout.write(
                f"{len(result.state_unknown)} customers without a known US state (the strictest state rules apply):"
            )
        for note in result.state_unknown:
            self.stdout.write(f"  line {note['line']}: {note['reason']}")
