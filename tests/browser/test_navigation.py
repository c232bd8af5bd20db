"""A person signs in, sees the dashboard and walks every menu entry without a server error."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENU = [
    ("Customers", "Customers"),
    ("Queue", "Queue"),
    ("Campaigns", "Campaigns"),
    ("Calls", "Calls"),
    ("Calendar", "Calendar"),
    ("Scripts", "Scripts"),
    ("Improve", "Improve the agent"),
    ("Reports", "Reports"),
    ("Dashboard", "North Insurance"),
]


def sign_in(page, base_url, email="alice@north.example"):
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue").click()  # the address first: its office decides what follows
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_it_signs_in_and_visits_every_menu_entry(page, live_server_url, supervisor, customer, script):
    sign_in(page, live_server_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("North Insurance")
    expect(page.locator(".lead-figures .figure")).to_have_count(5)  # the week's bookings and rate, alerts, calls, booked
    expect(page.locator(".figure")).to_have_count(16)  # and customers, calls by outcome, durations, calendars
    expect(page.locator(".figure", has_text="Customers")).to_contain_text("1")
    assert page.evaluate("typeof htmx") == "object"  # vendored HTMX loads from our own static files
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    menu = page.get_by_role("navigation", name="Main")
    for link, heading in MENU:
        menu.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(menu.get_by_role("link", name=link, exact=True)).to_have_attribute("aria-current", "page")
    assert page.server_errors == []


def test_it_opens_a_customer_profile_from_the_list(page, live_server_url, colleague, customer):
    sign_in(page, live_server_url, email="bob@north.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="Maria Lopez").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maria Lopez")
    expect(page.get_by_text("(202) 555-0143")).to_be_visible()  # in the office's own format
    assert page.server_errors == []


def test_it_shows_a_wrong_password_and_signs_out(page, live_server_url, colleague):
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Email").fill("bob@north.example")
    page.get_by_role("button", name="Continue").click()  # the address first: its office decides what follows
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")

    sign_in(page, live_server_url, email="bob@north.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("North Insurance")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
