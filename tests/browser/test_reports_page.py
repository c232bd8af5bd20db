"""The Reports page in a real browser: its charts are drawn by the pinned chart library, from the page's own
figures, with nothing fetched from elsewhere."""

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import expect

from calls.models import Call
from tests.browser.test_navigation import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_the_charts_are_drawn_from_the_pages_figures(page, live_server_url, supervisor, customer):
    today = dt.datetime.now(NEW_YORK).replace(hour=10, minute=0, second=0, microsecond=0)
    call = Call.objects.create(
        office=customer.office, customer=customer, to_number=customer.phone, status="ended", outcome="booked",
        answered_by="human", billsec=95, answered_at=today,
    )  # fmt: skip
    Call.objects.filter(pk=call.pk).update(created_at=today)
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server_url) else None)
    sign_in(page, live_server_url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.locator("html")).to_have_attribute("data-charts-drawn", "yes")
    for canvas in ("#chart-funnel", "#chart-days", "#chart-groups"):
        box = page.locator(canvas).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, canvas
    inked = page.evaluate(
        "() => { const c = document.getElementById('chart-funnel'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) "
        "if (d[i] > 0) n++; return n; }"
    )
    assert inked > 500, "the funnel chart has ink on it"
    expect(page.locator(".report-table tfoot")).to_contain_text("All calls")
    assert elsewhere == [] and page.server_errors == []
