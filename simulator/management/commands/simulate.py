"""`manage.py simulate PERSONAS.yaml [--now ISO] [--tz ZONE] [--text] [--json]`: a real dial run against
Phonify's people in a database of its own, each call judged against the persona's `expect`.

The command runs itself again in a child process pointed at a fresh SQLite file (and no Redis), so the
simulation never touches the office's data; the child prints the report as JSON for the parent."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from issetter.pinned_clock import pinned_moment_parse
from phonify.personas import PersonaError, personas_load


class Command(BaseCommand):
    help = "Dial a persona file's people with the whole system in an isolated database and judge every call."

    def add_arguments(self, parser) -> None:
        parser.add_argument("personas", help="A Phonify persona file (see phonify/README.md).")
        parser.add_argument(
            "--now", type=pinned_moment_parse, help="Pin the clock for calling hours and slots (ISO-8601 with offset)."
        )
        parser.add_argument("--tz", default="America/New_York", help="The simulated office's time zone.")
        parser.add_argument("--text", action="store_true", help="People and agent speak in text, not audio.")
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON object.")
        parser.add_argument(
            "--wideband",
            action="store_true",
            help="Callees' audio reaches the fork as synthesised (16 kHz), not through an 8 kHz μ-law telephone trunk.",
        )
        parser.add_argument(
            "--time-scale",
            type=float,
            default=1.0,
            help="Shrink the people's own waits (rings, pauses before answering, hanging up) by this factor.",
        )
        parser.add_argument(
            "--speech-model-answers",
            action="store_true",
            help="The script lets the speech model (AGENT_SPEECH=gpu with mini-omni) answer questions it cannot.",
        )
        parser.add_argument(
            "--policy",
            choices=["scripted", "llm", "llm_speaks", "llm_conducts"],
            default="scripted",
            help="The script's dialogue policy; the language model ones need LLM_BASE_URL and LLM_MODEL.",
        )
        parser.add_argument(
            "--teach",
            action="append",
            default=[],
            metavar="PHRASE=MEANING",
            help="The office has taught the agent this (repeatable), e.g. 'count me out=not_interested'.",
        )
        parser.add_argument(
            "--voices-first",
            action="store_true",
            help="With audio: synthesise every person's words before the first call (benches of many calls).",
        )
        parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--concurrency", type=int, default=10, help="Calls at once (the office's limit).")
        parser.add_argument("--agent-url", default="", help=argparse.SUPPRESS)  # an agent in its own process

    def handle(self, *args, **options) -> None:
        try:
            zoneinfo.ZoneInfo(options["tz"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise CommandError(f"--tz {options['tz']!r} is no time zone (e.g. America/Chicago)") from None
        try:
            personas_load(options["personas"])
        except PersonaError as problem:
            raise CommandError(str(problem)) from None
        taught = []
        for pair in options["teach"]:
            phrase, _, meaning = pair.rpartition("=")
            if not phrase.strip() or not meaning.strip():
                raise CommandError(f"--teach {pair!r}: write PHRASE=MEANING, e.g. 'count me out=not_interested'")
            taught.append((phrase.strip(), meaning.strip()))
        if options["inside"]:
            from simulator.simulation import simulation_run

            report = simulation_run(
                personas_path=options["personas"],
                now=options["now"],
                tz=options["tz"],
                text=options["text"],
                concurrency=options["concurrency"],
                agent_url=options["agent_url"],
                telephone_line=not options["wideband"],
                time_scale=options["time_scale"],
                speech_model_answers=options["speech_model_answers"],
                policy=options["policy"],
                taught=tuple(taught),
                voices_first=options["voices_first"],
            )
            self.stdout.write(json.dumps(report))
            return
        report = self._run_isolated(options)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(report)
        if report["summary"]["passed"] != report["summary"]["total"]:
            raise CommandError("Some calls did not go as their persona expects (see above).", returncode=1)

    def _run_isolated(self, options) -> dict:
        with tempfile.TemporaryDirectory(prefix="issetter-simulation-") as folder:
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{Path(folder) / 'simulation.sqlite3'}",
                "REDIS_URL": "",
                "AGENT_URL": "",
                "RECORDINGS_DIR": str(Path(folder) / "recordings"),
            }
            argv = [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "simulate",
                options["personas"],
                "--inside",
            ]
            argv += ["--tz", options["tz"], "--concurrency", str(options["concurrency"])]
            argv += ["--text"] if options["text"] else []
            argv += ["--wideband"] if options["wideband"] else []
            argv += ["--speech-model-answers"] if options["speech_model_answers"] else []
            argv += ["--voices-first"] if options["voices_first"] else []
            argv += ["--time-scale", str(options["time_scale"]), "--policy", options["policy"]]
            argv += ["--now", options["now"].isoformat()] if options["now"] else []
            argv += [argument for pair in options["teach"] for argument in ("--teach", pair)]
            child = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
        if child.returncode != 0:
            raise CommandError(f"The simulation failed:\n{child.stderr[-3000:]}")
        return json.loads(child.stdout.strip().splitlines()[-1])

    def _print(self, report: dict) -> None:
        for row in report["personas"]:
            mark = "ok  " if row["passed"] else "FAIL"
            booked = f" — {row['appointment']['start']}" if row.get("appointment") else ""
            self.stdout.write(f"{mark} {row['name']}: {row['outcome']} (expected {row['expected']}){booked}")
            for problem in row.get("problems") or []:
                if not row["passed"]:
                    self.stdout.write(f"       {problem}")
        summary = report["summary"]
        self.stdout.write(
            f"{summary['passed']}/{summary['total']} as expected; "
            f"wrong bookings {len(summary['wrong_bookings'])}, missed opt-outs {len(summary['missed_opt_outs'])}; "
            f"turns understood {summary['turns_understood']}; turn latency p50 {summary['turn_latency_p50_ms']} ms, "
            f"p95 {summary['turn_latency_p95_ms']} ms, max {summary['turn_latency_max_ms']} ms"
        )
