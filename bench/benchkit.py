"""What every bench script needs: project on the path, settings from the environment, a scratch database
(created on PostgreSQL if missing) migrated, Django set up."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def prepare(*, default_database_url: str) -> None:
    (ROOT / "var").mkdir(exist_ok=True)  # the benches' logs and files (a fresh checkout has none)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issetter.settings")
    os.environ.setdefault("ENV_FILE", "")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("FREESWITCH_ESL_PASSWORD", "bench-only-" + os.urandom(12).hex())  # no switch is reached
    os.environ.setdefault("DATABASE_URL", default_database_url)
    ensure_postgres_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then records each response's template context
    call_command("migrate", verbosity=0)


def ensure_postgres_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def customers_queued_to_dial(office, people: Iterable[dict], *, max_concurrent_calls: int, calls_per_second: float):
    """The office's customers, one per `people` entry (Customer fields: names, phone), all callable now (express
    consent, in New York), under a dialing policy that holds nothing back for a bench (no gap between attempts,
    caps of 100 a day and a week, never paused for failures, 15 s of ringing), and queued."""
    from calls.models import DialingPolicy
    from calls.queue_services import queue_add_matching
    from customers.models import ConsentStatus, Customer

    Customer.objects.bulk_create(
        Customer(office=office, time_zone="America/New_York", consent_status=ConsentStatus.EXPRESS, **person)
        for person in people
    )
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={
            "max_concurrent_calls": max_concurrent_calls,
            "calls_per_second": calls_per_second,
            "ring_timeout_seconds": 15,
            "min_minutes_between_attempts": 0,
            "max_attempts_per_day": 100,
            "max_attempts_per_week": 100,
            "failure_rate_pause_percent": 100,
        },
    )
    queue_add_matching(office=office, customers=Customer.objects.filter(office=office))


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) of timings."""
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[max(0, int(len(ordered) * 0.95) - 1)]
