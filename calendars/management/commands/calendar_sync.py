"""`manage.py calendar_sync [--office SLUG] [--json]`: pull connected calendars now and print a summary."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from calendars.sync import calendar_sync_all
from issetter.models import Office


class Command(BaseCommand):
    help = "Read upcoming events from every connected calendar (of one office) and send appointments not yet there."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--office", help="Only this office (its slug).")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON.")

    def handle(self, *args, **options) -> None:
        office = None
        if options["office"]:
            office = Office.objects.filter(slug=options["office"]).first()
            if office is None:
                raise CommandError(f"No office with the slug {options['office']!r}")
        summaries = calendar_sync_all(office=office)
        if options["json"]:
            self.stdout.write(json.dumps([summary.as_dict() for summary in summaries], indent=2))
        else:
            for s in summaries:
                outcome = (
                    f"problem: {s.problem}"
                    if s.problem
                    else f"{s.changed} changed, {s.removed} removed, {s.pushed} sent"
                )
                self.stdout.write(f"{s.account}: {outcome}{' (full read)' if s.full else ''}")
            if not summaries:
                self.stdout.write("No connected calendars.")
        if any(s.problem for s in summaries):
            raise CommandError("Some calendars could not be synced (see above).", returncode=2)
