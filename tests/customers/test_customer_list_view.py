"""The Customers page: search in any format, combinable criteria, sorting, pages that keep the filters."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import QueueEntry
from customers.models import Customer, Tag
from tests.conftest import client_for

NOW = timezone.now()


@pytest.fixture
def people(office):
    renewal = Tag.objects.create(office=office, name="renewal")

    def person(first, phone, **fields):
        return Customer.objects.create(office=office, first_name=first, last_name="Test", phone=phone, **fields)

    people = {
        "ann": person("Ann", "+12025550101", consent_status="express", last_contacted_at=NOW - dt.timedelta(days=40)),
        "ben": person(
            "Ben",
            "+12025550102",
            last_contacted_at=NOW - dt.timedelta(days=2),
            last_answered_at=NOW - dt.timedelta(days=2),
            answered_count=1,
            attempt_count=3,
            last_outcome="declined",
        ),
        "cat": person("Cat", "+13125550103", next_appointment_at=NOW + dt.timedelta(days=3), attempt_count=1),
        "dan": person("Dan", "+16175550104", last_answered_at=NOW - dt.timedelta(days=90), do_not_call=True),
    }
    people["ann"].tags.add(renewal)
    people["cat"].tags.add(renewal)
    return people


def names(client, **query) -> list[str]:
    response = client.get(reverse("customers:list"), query)
    assert response.status_code == 200
    return [customer.first_name for customer in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "(202) 555-0102"}, ["Ben"]),
        ({"q": "+1 312 555 0103"}, ["Cat"]),
        ({"q": "555-0104"}, ["Dan"]),
        ({"q": "5550104"}, ["Dan"]),
        ({"q": "ann test"}, ["Ann"]),
        ({"tag": "renewal"}, ["Ann", "Cat"]),
        ({"consent": "express"}, ["Ann"]),
        ({"never_answered": "on"}, ["Ann", "Cat"]),
        ({"answered_within_days": "7"}, ["Ben"]),
        ({"appointment": "active"}, ["Cat"]),
        ({"appointment": "none"}, ["Ann", "Ben", "Dan"]),
        ({"last_outcome": "declined"}, ["Ben"]),
        ({"attempts_below": "2"}, ["Ann", "Cat", "Dan"]),
        ({"contacted_before": (NOW - dt.timedelta(days=10)).date().isoformat()}, ["Ann"]),
        ({"contacted_after": (NOW - dt.timedelta(days=10)).date().isoformat()}, ["Ben"]),
        ({"tag": "renewal", "never_answered": "on", "attempts_below": "1"}, ["Ann"]),
    ],
)
def test_it_finds_customers_by_criteria(colleague, people, query, expected):
    assert sorted(names(client_for(colleague), **query)) == expected


def test_it_sorts_by_longest_since_contact_and_fewest_attempts(colleague, people):
    client = client_for(colleague)
    assert names(client, sort="-last_contacted")[:2] == ["Ben", "Ann"]
    assert names(client, sort="attempts")[-1] == "Ben"


def test_it_keeps_the_criteria_on_the_next_page(colleague, office):
    tag = Tag.objects.create(office=office, name="vip")
    for number in range(60):
        Customer.objects.create(office=office, first_name=f"P{number:02d}", phone=f"+120255501{number:02d}").tags.add(
            tag
        )
    client = client_for(colleague)
    page = client.get(reverse("customers:list"), {"tag": "vip"}).text
    assert "tag=vip&amp;after=" in page and "1–50" in page
    assert f'hx-get="{reverse("customers:match_count")}?tag=vip"' in page  # the count follows, same criteria
    count = client.get(reverse("customers:match_count"), {"tag": "vip"}).text
    assert "60</strong> customers match" in count
    assert "of 60" in count  # beside "1–50" on the page


def test_the_page_shows_its_rows_without_counting_and_the_count_comes_in_its_own_request(colleague, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(3):
        Customer.objects.create(office=office, first_name=f"P{number}", phone=f"+120255501{number:02d}")
    client = client_for(colleague)
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(reverse("customers:list"), {"q": "P"}).text
    assert "Counting matches…" in page and "P0" in page
    assert not any("COUNT(" in query["sql"].upper() for query in page_queries.captured_queries)
    count = client.get(reverse("customers:match_count"), {"q": "P"}).text
    assert "3</strong> customers match" in count and "Add all 3 to the queue" in count
    assert "Counting" not in count  # the swap leaves nothing to fetch again


def test_it_marks_do_not_call_and_offers_no_queue_button_for_them(colleague, people):
    page = client_for(colleague).get(reverse("customers:list"), {"q": "Dan"}).text
    assert "Do not call" in page
    assert f'name="customer" value="{people["dan"].pk}"' not in page
    ann = client_for(colleague).get(reverse("customers:list"), {"q": "Ann"}).text
    assert f'form="queue-one" name="customer" value="{people["ann"].pk}"' in ann


def test_a_queue_button_queues_its_customer_and_comes_back_to_the_same_list(colleague, people, other_office):
    client = client_for(colleague)
    page = client.get(reverse("customers:list"), {"consent": "express"}).text
    assert f'action="{reverse("calls:queue_add_picked")}"' in page
    back = "/customers/?consent=express"
    response = client.post(reverse("calls:queue_add_picked"), {"customer": people["ann"].pk, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert "Ann Test is in the queue." in client.get(back).text
    assert QueueEntry.objects.filter(customer=people["ann"]).count() == 1
    stranger = Customer.objects.create(office=other_office, first_name="Zed", phone="+13125550123")
    for wrong in (stranger.pk, "", "1; DROP"):
        assert client.post(reverse("calls:queue_add_picked"), {"customer": wrong}).status_code == 404
    assert QueueEntry.objects.count() == 1


def test_it_escapes_names_that_carry_markup(colleague, office):
    Customer.objects.create(office=office, first_name="<script>alert(1)</script>", phone="+12025550101")
    page = client_for(colleague).get(reverse("customers:list")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_says_which_criterion_is_wrong(colleague, people):
    response = client_for(colleague).get(reverse("customers:list"), {"attempts_below": "many"})
    assert "attempts_below" in response.text
    assert len(response.context["page"].object_list) == 4  # the bad criterion is left out, not applied


def test_it_offers_each_last_outcome_once(colleague, office):
    for number, outcome in enumerate(["booked", "no_answer", "booked", "booked", "declined"]):
        Customer.objects.create(
            office=office, first_name=f"P{number}", phone=f"+1202555010{number}", last_outcome=outcome
        )
    response = client_for(colleague).get(reverse("customers:list"))
    assert response.context["outcomes"] == ["booked", "declined", "no_answer"]


def test_it_counts_up_to_a_cap_and_adds_the_whole_set_to_the_queue(colleague, office, monkeypatch):
    import customers.paging

    monkeypatch.setattr(customers.paging.MatchCount.__init__, "__defaults__", (120,))
    for number in range(130):
        Customer.objects.create(office=office, first_name=f"P{number:03d}", phone=f"+1202555{number:04d}")
    client = client_for(colleague)
    first = client.get(reverse("customers:match_count")).text
    assert "120+</strong> customers match" in first
    assert "Add all 120+ to the queue" in first
    client.post(reverse("calls:queue_add_all"), {})
    from calls.models import QueueEntry

    assert QueueEntry.objects.count() == 130  # the whole set, not the counted part


LINK = re.compile(r'(after|before)=([A-Za-z0-9_-]+)&amp;from=(\d+)">(Next|← Previous)')


def walk(client, query: dict, towards: str, start: dict | None = None) -> tuple[list[list[str]], dict]:
    """Follow the Next (or Previous) links from the first page (or `start`) to the end: each page's names."""
    pages, params = [], dict(start or {})
    while True:
        response = client.get(reverse("customers:list"), {**query, **params})
        pages.append([customer.first_name for customer in response.context["page"]])
        links = {label: (kind, link, at) for kind, link, at, label in LINK.findall(response.text)}
        if towards not in links:
            return pages, params
        kind, link, at = links[towards]
        params = {kind: link, "from": at}


@pytest.mark.parametrize(
    "query",
    [{}, {"sort": "-last_contacted"}, {"sort": "last_contacted"}, {"sort": "-last_answered"}, {"sort": "attempts"},
     {"sort": "-created"}, {"q": "Same"}, {"q": "Same", "sort": "-last_contacted"}],
    ids=lambda query: "-".join(f"{k}={v}" for k, v in query.items()) or "name",
)  # fmt: skip
def test_every_page_is_reached_by_next_and_back_by_previous_each_customer_once_in_order(colleague, office, query):
    for number in range(123):  # ties in every sort key (names, times, attempts, NULLs) so the id decides
        Customer.objects.create(
            office=office, first_name=f"P{number:03d}", last_name="Same" if number % 2 else "Other",
            phone=f"+1202555{number:04d}", attempt_count=number % 3,
            last_contacted_at=None if number % 4 == 0 else NOW - dt.timedelta(days=number % 5),
            last_answered_at=None if number % 3 == 0 else NOW - dt.timedelta(days=number % 7),
        )  # fmt: skip
    client = client_for(colleague)
    whole = [c.first_name for c in client.get(reverse("customers:list"), {**query, "from": "1"}).context["page"]]
    forward, last = walk(client, query, "Next")
    everyone = [name for page in forward for name in page]
    expected = 61 if "q" in query else 123  # the search matches the odd ones
    assert len(everyone) == len(set(everyone)) == expected and everyone[:50] == whole
    response = client.get(reverse("customers:list"), {**query, **last})
    assert f"{expected - len(forward[-1]) + 1}–{expected} <" in response.text  # "101–123 of 123" once counted
    assert f"of {expected}<" in client.get(reverse("customers:match_count"), query).text
    backward, _ = walk(client, query, "← Previous", start=last)
    assert [name for page in reversed(backward) for name in page] == everyone


def test_a_made_up_page_link_shows_the_first_page(colleague, people):
    client = client_for(colleague)
    assert names(client, after="bm90IG91cnM", **{"from": "51"}) == names(client)


def test_it_keeps_the_chosen_order_when_searching(colleague, people):
    client = client_for(colleague)
    assert names(client, q="test") == ["Ann", "Ben", "Cat", "Dan"]  # all share the last name: first names order
    assert names(client, q="test", sort="-last_contacted") == ["Ben", "Ann", "Cat", "Dan"]  # never contacted last


def test_it_says_a_criterion_it_cannot_read_in_words(colleague, office):
    page = client_for(colleague).get(reverse("customers:list"), {"answered_within_days": "soon"}).text
    assert "Answered within (days): Enter a whole number." in page
    assert "answered_within_days:" not in page


def test_it_warns_before_queueing_again_people_who_just_booked_or_declined(colleague, office):
    now = timezone.now()
    Customer.objects.create(office=office, first_name="Ann", phone="+12025550101", last_outcome="booked",
                            last_contacted_at=now - dt.timedelta(days=2))  # fmt: skip
    Customer.objects.create(office=office, first_name="Ben", phone="+12025550102", last_outcome="declined",
                            last_contacted_at=now - dt.timedelta(days=30))  # fmt: skip
    Customer.objects.create(office=office, first_name="Cy", phone="+12025550103", last_outcome="no_answer",
                            last_contacted_at=now - dt.timedelta(days=1))  # fmt: skip
    page = client_for(colleague).get(reverse("customers:match_count")).text  # beside "Add all", on the list
    assert "1 of these booked or declined in the last 14 days" in page
    assert "confirm('1 of them booked or declined in the last 14 days. Queue them again anyway?')" in page
    quiet = client_for(colleague).get(reverse("customers:match_count"), {"q": "Cy"}).text
    assert "booked or declined in the last" not in quiet
