"""The value report in a real browser: a supervisor changes an assumption and the figure follows; the summary
for stakeholders prints on one page."""

import datetime as dt
import io
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from calls.models import Call
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_a_supervisor_sets_the_value_of_a_booking_and_prints_the_summary(page, live_server_url, supervisor, customer):
    today = dt.datetime.now(NEW_YORK).replace(hour=10, minute=0, second=0, microsecond=0)
    call = Call.objects.create(
        office=customer.office, customer=customer, to_number=customer.phone, status="ended", outcome="booked",
        billsec=95, duration_seconds=110, answered_at=today,
    )  # fmt: skip
    Call.objects.filter(pk=call.pk).update(created_at=today)
    sign_in(page, live_server_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="What the calls cost and bring").click()
    expect(page.locator("tr", has_text="Estimated value of the bookings")).to_contain_text("120.00 USD")
    page.get_by_label("Kept appointment value").fill("250")
    page.get_by_role("button", name="Save the assumptions").click()
    expect(page.locator(".messages")).to_contain_text("Cost settings saved")
    expect(page.locator("tr", has_text="Estimated value of the bookings")).to_contain_text("200.00 USD")

    page.get_by_role("link", name="One-page summary to print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("North Insurance")
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, "the summary prints on one page"
    assert io.BytesIO(pdf).read(4) == b"%PDF"
    assert page.server_errors == []
