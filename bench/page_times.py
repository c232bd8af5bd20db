"""Server time of each page for a signed-in member of an office with many customers.

    .venv/bin/python bench/page_times.py [--customers 10000] [--repeat 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/issetter_bench .venv/bin/python bench/page_times.py

Uses DATABASE_URL (a scratch SQLite file by default), which it migrates and refills. Prints one
markdown row per page: median and 95th percentile of the time Django takes to answer (test client,
no network), for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import time

import benchkit


def fill(customers: int):
    from customers.models import ConsentStatus, Customer
    from issetter.models import Membership
    from issetter.services import member_ensure, office_ensure

    office, _ = office_ensure(
        slug="bench", name="Bench Office", caller_id_number="+12025550100", callback_number="+12025550143"
    )
    user, _ = member_ensure(office=office, email="bench@example.com", role=Membership.Role.SUPERVISOR)
    Customer.objects.filter(office=office).delete()
    batch = []
    for number in range(customers):
        batch.append(
            Customer(
                office=office,
                first_name=f"First{number}",
                last_name=f"Last{number % 997}",
                phone=f"+1202{5550000 + number:07d}"[:12],
                consent_status=ConsentStatus.EXPRESS,
            )
        )
        if len(batch) == 5000:
            Customer.objects.bulk_create(batch)
            batch = []
    Customer.objects.bulk_create(batch)
    return office, user


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    client.get(url)  # warm caches and connections
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return benchkit.percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    benchkit.prepare(default_database_url="sqlite:////tmp/issetter-bench.sqlite3")
    from django.conf import settings
    from django.test import Client

    office, user = fill(args.customers)
    client = Client()
    client.force_login(user)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    pages = {
        "dashboard": "/",
        "customers list (page 1)": "/customers/",
        "customers search 'Last42'": "/customers/?q=Last42",
        "customers list (last page)": f"/customers/?page={max(1, -(-args.customers // 50))}",
        "queue": "/queue/",
        "calls": "/calls/",
        "calendar": "/calendar/",
        "scripts": "/scripts/",
    }
    print("| page | database | customers | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    for name, url in pages.items():
        p50, p95 = timed(client, url, args.repeat)
        print(f"| {name} | {engine} | {args.customers:,} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
