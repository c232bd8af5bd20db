"""Set up an office from one YAML file, or write an office out as one:

    manage.py office_template apply FILE --office SLUG [--dry-run]
    manage.py office_template export --office SLUG [--output FILE]

`apply` creates the office when the slug is new; applying the same file again changes nothing. A dry run
prints what would change and writes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError

from issetter.models import Office
from offices.template_apply import TemplateInvalidError, office_template_apply
from offices.template_export import office_template_export


class Command(BaseCommand):
    help = "Apply an office template (YAML) to an office, creating it if needed, or export an office as one."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        apply = actions.add_parser("apply", help="Apply FILE to the office")
        apply.add_argument("file", type=Path)
        apply.add_argument("--office", required=True, help="The office's slug; a new slug creates the office.")
        apply.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        export = actions.add_parser("export", help="Write the office out as a template")
        export.add_argument("--office", required=True)
        export.add_argument("--output", type=Path, help="File to write; standard output when left out.")

    def handle(self, *args, action: str, office: str, **options) -> None:
        if action == "export":
            return self._export(office, options["output"])
        return self._apply(options["file"], office, options["dry_run"])

    def _apply(self, path: Path, slug: str, dry_run: bool) -> None:
        try:
            document = yaml.safe_load(path.read_text())
        except OSError as problem:
            raise CommandError(f"Cannot read {path}: {problem.strerror}") from None
        except yaml.YAMLError as problem:
            raise CommandError(f"{path} is not valid YAML: {problem}") from None
        try:
            changes = office_template_apply(document=document, slug=slug, dry_run=dry_run)
        except TemplateInvalidError as invalid:
            raise CommandError(f"{path} was not applied:\n  " + "\n  ".join(invalid.problems)) from None
        verb = "Would change" if dry_run else "Changed"
        if not changes:
            self.stdout.write(f"No changes: office {slug} already matches {path.name}.")
            return
        self.stdout.write(f"{verb} ({len(changes)}):")
        for line in changes:
            self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _export(self, slug: str, output: Path | None) -> None:
        office = Office.objects.filter(slug=slug).first()
        if office is None:
            raise CommandError(f"No office with slug {slug!r}.")
        text = yaml.safe_dump(office_template_export(office=office), sort_keys=False, allow_unicode=True, width=110)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text)
            self.stdout.write(f"Office {slug} written to {output}.")
