"""`manage.py dial --office SLUG [--script ID] [--limit N] [--wait]`: call the office's queue.

Without --wait the run is handed to the worker (as the Queue page's button does). With --wait this
process drives it and returns when every call of the run has ended, printing a summary; the exit code
is 0 when the run completed. Calls end through the event listener (`telephony_events`), which must run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from calls.dialer import dial_run_begin, dial_run_drive, dial_run_start
from calls.models import DialRun
from calls.selectors import run_figures
from calls.telephony import SwitchUnavailableError, telephony_open
from callscripts.models import Script
from callscripts.selectors import script_default, script_of_office
from issetter.models import Office
from issetter.pinned_clock import pinned_moment_parse


class Command(BaseCommand):
    help = "Dial the office's queue now (a dial run), optionally waiting until every call has ended."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--office", required=True, help="office slug")
        parser.add_argument("--script", type=int, default=None, help="script id (default: the office's default)")
        parser.add_argument("--limit", type=int, default=None, help="place at most this many calls")
        parser.add_argument("--wait", action="store_true", help="drive the run here and wait for its end")
        parser.add_argument(
            "--now",
            type=pinned_moment_parse,
            default=None,
            help="with --wait: judge the calling rules as if it were this moment (ISO 8601 with offset; tests)",
        )

    def handle(self, *args, office, script, limit, wait, now, **options) -> None:
        found = Office.objects.filter(slug=office).first()
        if found is None:
            raise CommandError(
                f"No office {office!r}. Offices: {', '.join(Office.objects.values_list('slug', flat=True))}"
            )
        chosen = self._script(found, script)
        if not wait:
            run = dial_run_begin(office=found, script=chosen, limit=limit)
            run.refresh_from_db()
            if run.status == DialRun.Status.FAILED:
                raise CommandError(f"Run {run.pk}: {run.status_reason}")
            self.stdout.write(f"Run {run.pk} started for {found.slug}; the worker dials it.")
            return
        run = dial_run_start(office=found, script=chosen, limit=limit)
        try:
            with telephony_open() as telephony:
                run = dial_run_drive(run=run, telephony=telephony, now=(lambda: now) if now else timezone.now)
        except SwitchUnavailableError as problem:
            raise CommandError(f"Run {run.pk}: the switch is unavailable: {problem}") from None
        figures = run_figures(run=run)
        self.stdout.write(
            f"Run {run.pk} {run.get_status_display().lower()}{': ' + run.status_reason if run.status_reason else ''}. "
            + ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in figures.items())
        )
        if run.status != DialRun.Status.COMPLETED:
            raise CommandError(f"Run {run.pk} did not complete ({run.get_status_display().lower()}).", returncode=1)

    def _script(self, office: Office, script_id: int | None) -> Script | None:
        if script_id is None:
            return script_default(office_id=office.pk)
        script = script_of_office(office_id=office.pk, script_id=script_id)
        if script is None:
            raise CommandError(f"No script {script_id} in {office.slug}.")
        return script
