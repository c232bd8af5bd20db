"""A supervisor filters the customer list, saves it as a campaign, sees its page and pauses it; and promises a
customer a callback from the profile."""

import pytest
from playwright.sync_api import expect

from calls.campaign_models import Campaign
from calls.models import QueueEntry
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filtered_customer_list_becomes_a_campaign_that_can_be_paused(page, live_server_url, supervisor, customer):
    sign_in(page, live_server_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_label("Search").fill("Lopez")
    page.get_by_label("Search").press("Enter")
    page.get_by_role("link", name="Save as a campaign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New campaign")
    expect(page.get_by_label("Customers (the customer list's filters)")).to_have_value("q=Lopez")
    page.get_by_label("Name").fill("Lopez renewals")
    page.get_by_label("Sat").check()
    page.get_by_role("button", name="Save the campaign").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lopez renewals")
    expect(page.locator("#campaign-status")).to_contain_text("Active")
    expect(page.locator("#campaign-settings")).to_contain_text("Mon, Tue, Wed, Thu, Fri, Sat, 9:00 AM–5:00 PM")
    campaign = Campaign.objects.get()
    assert (campaign.criteria, campaign.weekdays, campaign.created_by) == ("q=Lopez", "012345", supervisor)

    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#campaign-status")).to_contain_text("Paused by alice@north.example.")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaigns").click()
    expect(page.locator("#campaigns")).to_contain_text("Lopez renewals")
    expect(page.locator("#campaigns")).to_contain_text("Paused")
    assert page.server_errors == []


def test_a_callback_promised_from_the_profile_waits_in_the_queue_for_its_time(
    page, live_server_url, supervisor, customer
):
    sign_in(page, live_server_url)
    page.goto(f"{live_server_url}/customers/{customer.pk}/")
    page.get_by_text("Promise a callback").click()
    page.get_by_label("When").fill("2031-03-04T10:30")
    page.get_by_label("Note").fill("Asked for Tuesday morning")
    page.get_by_role("button", name="Promise it").click()
    expect(page.locator("#queued")).to_contain_text("a callback promised for")
    entry = QueueEntry.objects.get(customer=customer)
    assert (entry.reason, entry.note, entry.added_by) == ("callback", "Asked for Tuesday morning", supervisor)
    assert entry.promised_for.astimezone(customer.office.zone).strftime("%Y-%m-%d %H:%M") == "2031-03-04 10:30"
    assert page.server_errors == []
