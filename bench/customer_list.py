"""The Customers page and "add all to queue" over a large office, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/issetter_bench .venv/bin/python bench/customer_list.py --customers 1000000

Fills one office with generated customers in a single INSERT … SELECT generate_series (varied consent,
attempts, outcomes, contact dates; one in five tagged "renewal"), then times the list page for several
criteria sets (server time through the Django test client) — the page with its rows, then the count the page
asks for once shown ("10,000+ customers match", "Add all") — and the set-based queue insert.
"""

from __future__ import annotations

import argparse
import time

import benchkit

FILL = """
INSERT INTO customers_customer (office_id, first_name, last_name, phone, phone_extension, email, time_zone, state,
    postal_code, notes,
    consent_status, consent_source, do_not_call, answered_count, attempt_count, last_outcome, created_at, updated_at,
    last_contacted_at, last_answered_at, next_appointment_at)
SELECT %(office)s, 'First' || g, 'Last' || (g %% 997), '+1' || (2002000000 + g)::text, '', 'c' || g || '@example.com',
    'America/New_York', '', '', '',
    (ARRAY['unknown','express','express_written','revoked'])[1 + g %% 4], '', g %% 101 = 0,
    (g %% 3 = 0)::int, g %% 6, (ARRAY['','no_answer','booked','voicemail_left','declined'])[1 + g %% 5],
    now(), now(), now() - (g %% 400) * interval '1 day',
    CASE WHEN g %% 3 = 0 THEN now() - (g %% 200) * interval '1 day' END,
    CASE WHEN g %% 50 = 0 THEN now() + (g %% 30) * interval '1 day' END
FROM generate_series(1, %(count)s) AS g
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    benchkit.prepare(default_database_url="postgres://postgres@127.0.0.1:5432/issetter_bench")
    from django.db import connection
    from django.test import Client

    from calls.models import QueueEntry
    from calls.queue_services import queue_add_matching
    from customers.criteria import CriteriaForm, CustomerCriteria
    from customers.keyset import link_of
    from customers.models import Customer, Tag
    from customers.selectors import customers_listing, customers_matching, list_keys
    from issetter.models import Membership
    from issetter.services import member_ensure, office_ensure

    office, _ = office_ensure(
        slug="bench-list", name="Bench", caller_id_number="+12025550100", callback_number="+12025550143"
    )
    user, _ = member_ensure(office=office, email="bench-list@example.com", role=Membership.Role.SUPERVISOR)
    if Customer.objects.filter(office=office).count() != args.customers:
        QueueEntry.objects.filter(office=office).delete()
        Customer.objects.filter(office=office).delete()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"office": office.pk, "count": args.customers})
            tag, _ = Tag.objects.get_or_create(office=office, name="renewal")
            cursor.execute(
                "INSERT INTO customers_customer_tags (customer_id, tag_id) SELECT id, %s FROM customers_customer "
                "WHERE office_id = %s AND id %% 5 = 0",
                [tag.pk, office.pk],
            )
            cursor.execute("ANALYZE")
        print(f"filled {args.customers:,} customers in {time.perf_counter() - start:.1f} s")

    client = Client()
    client.force_login(user)

    def deep_link(query: dict, rows_before: int) -> str:
        """The Next link that leads to the page after `rows_before` rows (worked out here, not timed)."""
        criteria = CriteriaForm(query).criteria()
        row = customers_listing(office=office, criteria=criteria)[rows_before - 1]
        return link_of(row, list_keys(criteria))

    cases = {
        "no criteria, page 1": {},
        "3 criteria: tag + consent + contacted before": {
            "tag": "renewal",
            "consent": "express",
            "contacted_before": "2026-09-01",
        },
        "3 criteria: never answered + attempts < 3 + no appointment": {
            "never_answered": "on",
            "attempts_below": "3",
            "appointment": "none",
        },
        "3 criteria, 100 pages in (rows 4,951–5,000)": {
            "consent": "express_written",
            "last_outcome": "booked",
            "attempts_below": "5",
            "after": deep_link({"consent": "express_written", "last_outcome": "booked", "attempts_below": "5"}, 4950),
        },
        "no criteria, the last page (rows 999,951–1,000,000)": {"after": deep_link({}, args.customers - 50)},
        "search by phone (202) 200-0777": {"q": "(202) 200-0777"},
        "search by name 'Last42'": {"q": "Last42"},
    }
    print("| request | customers | matches | the page p50 / p95 ms | its count p50 / p95 ms | both p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, query in cases.items():
        counted = {key: value for key, value in query.items() if key not in ("after", "before", "from")}
        timed = {"page": ("/customers/", query), "count": ("/customers/count/", counted)}
        samples: dict[str, list[float]] = {"page": [], "count": [], "both": []}
        for url, data in timed.values():
            client.get(url, data, secure=True)
        for _ in range(args.repeat):
            spent = 0.0
            for part, (url, data) in timed.items():  # as a browser asks: the page, then (on load) its count
                begin = time.perf_counter()
                response = client.get(url, data, secure=True)
                samples[part].append((time.perf_counter() - begin) * 1000)
                spent += samples[part][-1]
                assert response.status_code == 200, (response.status_code, response.get("Location"))
            samples["both"].append(spent)
        matches = response.context["matches"].label
        page, count, both = (benchkit.percentiles(samples[part]) for part in ("page", "count", "both"))
        print(
            f"| {name} | {args.customers:,} | {matches} | {page[0]:.0f} / {page[1]:.0f} | {count[0]:.0f} / {count[1]:.0f} "
            f"| {both[1]:.0f} |"
        )

    QueueEntry.objects.filter(office=office).delete()
    import datetime as dt

    # Consent "express" (1 in 4) contacted in the last 160 days (2 in 5): about 100,000 of a million.
    criteria = CustomerCriteria(consent="express", contacted_after=dt.date.today() - dt.timedelta(days=159))
    start = time.perf_counter()
    added = queue_add_matching(office=office, customers=customers_matching(office=office, criteria=criteria))
    print(
        f"| add all matching (consent express + contacted in 160 days) to the queue | {args.customers:,} | {added:,} added "
        f"| {(time.perf_counter() - start) * 1000:.0f} ms total | |"
    )


if __name__ == "__main__":
    main()
