"""Import a generated, realistically messy customer file and report time and memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/issetter_bench .venv/bin/python bench/import_customers.py --rows 100000

The file mixes phone formats, blank and bad numbers, repeated numbers, Windows-1252 names, quoted
notes with newlines and tags. It is imported twice: into an empty office, then again (all updates).
"""

from __future__ import annotations

import argparse
import random
import resource
import time

import benchkit

FIRST = ["Maria", "James", "José", "Linda", "Robert", "Zoë", "Susan", "Chloé", "Ahmed", "Mei"]
LAST = ["Lopez", "Carter", "Muñoz", "Nguyen", "Brown", "O'Neil", "Miller", "Søndergaard", "Khan", "Li"]
AREAS = ["202", "312", "617", "305", "512", "206", "415", "702"]


def messy_file(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = ["Full Name;Mobile;E-mail;Tags;Consent;Notes"]
    for number in range(rows):
        roll = rng.random()
        digits = f"{AREAS[number % len(AREAS)]}555{number % 10_000:04d}{number // 10_000}"[:10]
        subscriber = f"{AREAS[number % len(AREAS)]}{2000000 + number:07d}"
        phone = rng.choice([f"({subscriber[:3]}) {subscriber[3:6]}-{subscriber[6:]}", f"+1 {subscriber}", subscriber])
        if roll < 0.02:
            phone = ""
        elif roll < 0.04:
            phone = digits[:5]
        elif roll < 0.06 and number:
            phone = f"{AREAS[(number - 1) % len(AREAS)]}{2000000 + number - 1:07d}"  # repeat of the previous row
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" if roll > 0.1 else f"{rng.choice(LAST)}, {rng.choice(FIRST)}"
        notes = '"Called twice\nprefers mornings"' if roll > 0.97 else ""
        lines.append(
            f"{name};{phone};c{number}@example.com;{rng.choice(['vip', 'renewal', '', 'auto, home'])};yes;{notes}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    benchkit.prepare(default_database_url="sqlite:////tmp/issetter-bench.sqlite3")
    from django.conf import settings

    from customers.customer_import import customer_import
    from customers.models import Customer
    from issetter.services import office_ensure

    office, _ = office_ensure(
        slug="bench-import", name="Bench", caller_id_number="+12025550100", callback_number="+12025550143"
    )
    Customer.objects.filter(office=office).delete()
    data = messy_file(args.rows)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB, database: {engine}")
    print("| run | rows | created | updated | duplicates | invalid | seconds | rows/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in ("first import", "same file again"):
        start = time.perf_counter()
        result = customer_import(office=office, data=data, file_name="bench.csv")
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {run} | {result.rows:,} | {result.created:,} | {result.updated:,} | {result.duplicates:,} | "
            f"{result.invalid:,} | {seconds:.1f} | {result.rows / seconds:,.0f} | {peak:.0f} |"
        )


if __name__ == "__main__":
    main()
