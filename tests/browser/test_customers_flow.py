"""Staff load their list, check the columns, import, find people by criteria and queue them all, and one more."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST = (
    "Client;Cell;E-mail;Tags\n"
    "Maria Lopez;(202) 555-0143;maria@example.com;renewal\n"
    "James Carter;312.555.0123;;renewal\n"
    "Broken Row;555;;\n"
    "Linda Nguyen;617 555 0188;linda@example.com;\n"
).encode("cp1252")


def test_it_imports_a_list_and_queues_a_filtered_set(page, live_server_url, colleague):
    sign_in(page, live_server_url, email="bob@north.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_label("Import a list (CSV or Excel)").set_input_files(
        files=[{"name": "clients.csv", "mimeType": "text/csv", "buffer": LIST}]
    )
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import: clients.csv")
    expect(page.get_by_label("Phone")).to_have_value("1")  # "Cell" recognised as the phone column
    expect(page.locator("table.preview")).to_contain_text("Maria Lopez")
    page.get_by_role("button", name="Import").click()

    expect(page.locator(".summary")).to_contain_text("4 rows read")
    expect(page.locator(".summary")).to_contain_text("3 new customers")
    expect(page.get_by_role("cell", name="'555' is not a valid phone number")).to_be_visible()

    page.get_by_role("link", name="See your customers").click()
    page.get_by_label("Tag").select_option("renewal")
    page.get_by_role("button", name="Find").click()
    expect(page).to_have_url(re.compile(r"tag=renewal"))
    page.get_by_role("button", name="Add all 2 to the queue").click()
    expect(page.locator(".messages")).to_contain_text("Added 2 customers to the queue.")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("row", name=re.compile("Linda Nguyen")).get_by_role("button", name="Queue").click()
    expect(page.locator(".messages")).to_contain_text("Linda Nguyen is in the queue.")
    expect(page).to_have_url(re.compile(r"/customers/$"))  # back on the list it was queued from

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(page.locator(".counts")).to_contain_text("3 ready to call")
    expect(page.locator("#queue-entries")).to_contain_text("Maria Lopez")
    expect(page.locator("#queue-entries")).to_contain_text("Linda Nguyen")
    assert page.server_errors == []
