"""The compliance gate, with the clock pinned: do-not-call, consent, calling hours in the callee's zone
(own zone, the number's, the office's; ambiguous areas take the strictest window), state rules seeded as
data (the state from the record, else the ZIP code, else the area code; unknown: every state's strictest),
weekdays, office holidays, DST changes, and attempt caps."""

import datetime as dt
import zoneinfo

import pytest

from calls.compliance import RuleBook, call_permission, callee_zones
from calls.models import Call, CallingRule, DialingPolicy, OfficeHoliday
from customers.models import ConsentStatus, Customer, DoNotCallEntry

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC


def at(text: str, zone=NEW_YORK) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


@pytest.fixture
def person(office):
    return Customer.objects.create(
        office=office,
        first_name="Maria",
        phone="+12025550143",
        time_zone="America/New_York",
        consent_status=ConsentStatus.EXPRESS,
    )


def verdict(customer, now, attempts=()):
    return call_permission(customer=customer, book=RuleBook.load(customer.office), now=now, attempts=list(attempts))


def test_it_allows_a_consenting_customer_inside_the_federal_window(person):
    assert verdict(person, at("2026-11-24 10:00")).allowed
    assert verdict(person, at("2026-11-24 20:59")).allowed


@pytest.mark.parametrize("moment", ["2026-11-24 07:59", "2026-11-24 21:00", "2026-11-24 23:30"])
def test_it_refuses_outside_calling_hours_and_says_when_to_try_again(person, moment):
    result = verdict(person, at(moment))
    assert not result.allowed and not result.permanent
    assert "Outside calling hours" in result.reason and "08:00–21:00" in result.reason
    assert result.retry_at.astimezone(NEW_YORK).time() == dt.time(8, 0)


def test_it_never_calls_a_number_on_the_do_not_call_list(person, office):
    DoNotCallEntry.objects.create(office=office, phone=person.phone)
    result = verdict(person, at("2026-11-24 10:00"))
    assert (result.allowed, result.permanent, result.reason) == (False, True, "On the do-not-call list.")
    Customer.objects.filter(pk=person.pk).update(do_not_call=True)
    DoNotCallEntry.objects.all().delete()
    person.refresh_from_db()
    assert verdict(person, at("2026-11-24 10:00")).permanent


@pytest.mark.parametrize(
    ("consent", "required", "allowed"),
    [
        (ConsentStatus.UNKNOWN, ConsentStatus.EXPRESS, False),
        (ConsentStatus.REVOKED, ConsentStatus.EXPRESS, False),
        (ConsentStatus.EXPRESS, ConsentStatus.EXPRESS, True),
        (ConsentStatus.EXPRESS_WRITTEN, ConsentStatus.EXPRESS, True),
        (ConsentStatus.EXPRESS, ConsentStatus.EXPRESS_WRITTEN, False),
        (ConsentStatus.EXPRESS_WRITTEN, ConsentStatus.EXPRESS_WRITTEN, True),
    ],
)
def test_it_requires_the_consent_the_office_asks_for(person, office, consent, required, allowed):
    DialingPolicy.objects.update_or_create(office=office, defaults={"required_consent": required})
    Customer.objects.filter(pk=person.pk).update(consent_status=consent)
    person.refresh_from_db()
    result = verdict(person, at("2026-11-24 10:00"))
    assert result.allowed is allowed
    if not allowed:
        assert result.permanent and "consent" in result.reason


def test_a_number_a_call_was_told_is_wrong_is_not_called_again_until_corrected(person, office):
    Call.objects.create(office=office, customer=person, to_number=person.phone, outcome=Call.Outcome.WRONG_PERSON)
    result = verdict(person, at("2026-11-24 10:00"))
    assert not result.allowed and result.permanent and "wrong number" in result.reason
    person.phone = "+12025550144"  # staff corrected it
    person.save()
    assert verdict(person, at("2026-11-24 10:00")).allowed


def test_it_uses_the_callees_zone_not_the_offices(person):
    Customer.objects.filter(pk=person.pk).update(time_zone="America/Los_Angeles", phone="+14155550100")
    person.refresh_from_db()
    assert not verdict(person, at("2026-11-24 09:00")).allowed  # 06:00 in San Francisco
    assert verdict(person, at("2026-11-24 23:30")).allowed  # 20:30 there


def test_it_takes_the_number_zone_then_the_office_zone_when_the_customer_has_none(office):
    chicago = Customer.objects.create(office=office, phone="+15125550147", consent_status=ConsentStatus.EXPRESS)
    assert [zone.key for zone in callee_zones(chicago, office)] == ["America/Chicago"]
    freephone = Customer.objects.create(office=office, phone="+448001234567", consent_status=ConsentStatus.EXPRESS)
    assert [zone.key for zone in callee_zones(freephone, office)] == [office.time_zone]


def test_an_area_spanning_two_zones_gets_the_strictest_window(office):
    alaska = Customer.objects.create(
        office=office, phone="+19075550100", time_zone="America/Anchorage", consent_status=ConsentStatus.EXPRESS
    )
    assert {zone.key for zone in callee_zones(alaska, office)} == {"America/Anchorage", "America/Adak"}
    # 08:30 in Anchorage is 07:30 on Adak: too early for one of the places the callee may be.
    result = verdict(alaska, at("2026-11-24 08:30", zoneinfo.ZoneInfo("America/Anchorage")))
    assert not result.allowed and "America/Adak" in result.reason
    assert verdict(alaska, at("2026-11-24 09:00", zoneinfo.ZoneInfo("America/Anchorage"))).allowed


def test_seeded_state_rules_apply_to_customers_of_that_state(person):
    Customer.objects.filter(pk=person.pk).update(state="FL", phone="+13055550142")
    person.refresh_from_db()
    result = verdict(person, at("2026-11-24 20:30"))
    assert not result.allowed and "08:00–20:00" in result.reason
    assert verdict(person, at("2026-11-24 19:59")).allowed


def test_a_state_can_forbid_a_weekday(person):
    Customer.objects.filter(pk=person.pk).update(state="AL", time_zone="America/Chicago", phone="+12055550100")
    person.refresh_from_db()
    sunday = at("2026-11-29 12:00", zoneinfo.ZoneInfo("America/Chicago"))
    result = verdict(person, sunday)
    assert not result.allowed and "No calls on Sundays" in result.reason
    assert result.retry_at == at("2026-11-30 08:00", zoneinfo.ZoneInfo("America/Chicago"))


def test_the_office_edits_rules_as_data(person, office):
    CallingRule.objects.create(office=office, jurisdiction="US", start_local=dt.time(10), end_local=dt.time(18))
    assert not verdict(person, at("2026-11-24 09:30")).allowed
    assert verdict(person, at("2026-11-24 10:00")).allowed
    CallingRule.objects.create(office=office, jurisdiction="US", weekday=1, calls_allowed=False)  # Tuesdays
    assert "No calls on Tuesdays" in verdict(person, at("2026-11-24 11:00")).reason
    # An office rule can only narrow the law: a wider window does not open 07:00.
    CallingRule.objects.filter(office=office).delete()
    CallingRule.objects.create(office=office, jurisdiction="US", start_local=dt.time(6), end_local=dt.time(23))
    assert not verdict(person, at("2026-11-24 07:00")).allowed


def test_the_federal_window_holds_even_if_its_row_is_deleted(person):
    CallingRule.objects.filter(office=None, jurisdiction="US").delete()
    assert not verdict(person, at("2026-11-24 21:30")).allowed


def test_office_holidays_pause_calling(person, office):
    OfficeHoliday.objects.create(office=office, date=dt.date(2026, 11, 26), name="Thanksgiving")
    result = verdict(person, at("2026-11-26 11:00"))
    assert not result.allowed and "holiday" in result.reason
    assert result.retry_at == at("2026-11-27 08:00")


def test_calling_hours_follow_the_dst_change(person):
    # 2026-03-08: New York springs forward at 02:00. 12:30 UTC is 07:30 before and 08:30 after.
    assert not verdict(person, dt.datetime(2026, 3, 7, 12, 30, tzinfo=UTC)).allowed
    assert verdict(person, dt.datetime(2026, 3, 8, 12, 30, tzinfo=UTC)).allowed
    # 2026-11-01: back to standard time; 01:30 UTC is 21:30 EDT on Oct 31 but 20:30 EST on Nov 1.
    assert not verdict(person, dt.datetime(2026, 11, 1, 1, 30, tzinfo=UTC)).allowed
    assert verdict(person, dt.datetime(2026, 11, 2, 1, 30, tzinfo=UTC)).allowed
    retry = verdict(person, dt.datetime(2026, 3, 8, 5, 0, tzinfo=UTC)).retry_at  # 00:00 EST, the night of the change
    assert retry == at("2026-03-08 08:00") and retry.astimezone(NEW_YORK).utcoffset() == dt.timedelta(hours=-4)


def test_attempt_caps_space_and_limit_calls(person, office):
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={"min_minutes_between_attempts": 60, "max_attempts_per_day": 2, "max_attempts_per_week": 3},
    )
    now = at("2026-11-24 15:00")
    recent = verdict(person, now, [now - dt.timedelta(minutes=20)])
    assert not recent.allowed and recent.retry_at == now + dt.timedelta(minutes=40)
    two_today = verdict(person, now, [at("2026-11-24 09:00"), at("2026-11-24 12:00")])
    assert not two_today.allowed and "today" in two_today.reason and two_today.retry_at == at("2026-11-25 00:00")
    three_this_week = [at("2026-11-19 10:00"), at("2026-11-21 10:00"), at("2026-11-23 10:00")]
    week = verdict(person, now, three_this_week)
    assert not week.allowed and week.retry_at == at("2026-11-26 10:00")
    assert verdict(person, now, three_this_week[1:]).allowed


def test_a_state_cap_on_calls_per_day_applies(person, office):
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={"min_minutes_between_attempts": 0, "max_attempts_per_day": 10, "max_attempts_per_week": 10},
    )
    Customer.objects.filter(pk=person.pk).update(state="FL", phone="+13055550142")
    person.refresh_from_db()
    now = at("2026-11-24 15:00")
    calls = [now - dt.timedelta(hours=hours) for hours in (20, 10, 2)]
    result = verdict(person, now, calls)
    assert not result.allowed and "FL allows 3 calls in 24 hours" in result.reason


def test_after_a_voicemail_the_office_waits_its_cooldown(person, office):
    DialingPolicy.objects.update_or_create(office=office, defaults={"voicemail_cooldown_days": 7})
    left = at("2026-11-20 11:00")
    book = RuleBook.load(office)
    result = call_permission(
        customer=person, book=book, now=at("2026-11-24 10:00"), attempts=[], voicemail_left_at=left
    )
    assert not result.allowed and "voicemail was left Nov 20" in result.reason
    assert result.retry_at == at("2026-11-27 11:00")
    later = call_permission(customer=person, book=book, now=at("2026-11-27 11:00"), attempts=[], voicemail_left_at=left)
    assert later.allowed


def test_a_state_found_from_the_area_code_brings_its_rules(person, office):
    Customer.objects.filter(pk=person.pk).update(state="", phone="+13055550142")  # 305: Miami, Florida
    person.refresh_from_db()
    refused = verdict(person, at("2026-11-24 20:30"))
    assert not refused.allowed and "08:00–20:00" in refused.reason
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={"min_minutes_between_attempts": 0, "max_attempts_per_day": 10, "max_attempts_per_week": 10},
    )
    now = at("2026-11-24 15:00")
    capped = verdict(person, now, [now - dt.timedelta(hours=hours) for hours in (20, 10, 2)])
    assert not capped.allowed and "FL allows 3 calls in 24 hours" in capped.reason


def test_a_state_found_from_the_zip_code_beats_the_area_code(person):
    # A Miami number, a Louisville address: Kentucky's 10:00–21:00, not Florida's 08:00–20:00.
    Customer.objects.filter(pk=person.pk).update(state="", postal_code="40202", phone="+13055550142")
    person.refresh_from_db()
    early = verdict(person, at("2026-11-24 09:30"))
    assert not early.allowed and "allowed 10:00–21:00" in early.reason
    assert verdict(person, at("2026-11-24 20:30")).allowed


def test_an_unknown_state_gets_the_strictest_window_and_cap_of_every_state(office):
    # +1 416 is Toronto: no US state from the number, none in the record.
    unknown = Customer.objects.create(
        office=office, phone="+14165550100", time_zone="America/New_York", consent_status=ConsentStatus.EXPRESS
    )
    early = verdict(unknown, at("2026-11-24 09:30"))  # Kentucky opens at 10:00
    assert not early.allowed and "allowed 10:00–18:00" in early.reason and "state is unknown" in early.reason
    late = verdict(unknown, at("2026-11-24 18:00"))  # Rhode Island closes at 18:00
    assert not late.allowed
    assert verdict(unknown, at("2026-11-24 12:00")).allowed
    sunday = verdict(unknown, at("2026-11-29 12:00"))
    assert not sunday.allowed and "No calls on Sundays" in sunday.reason and "state is unknown" in sunday.reason
    DialingPolicy.objects.update_or_create(
        office=office,
        defaults={"min_minutes_between_attempts": 0, "max_attempts_per_day": 10, "max_attempts_per_week": 10},
    )
    now = at("2026-11-24 15:00")
    capped = verdict(unknown, now, [now - dt.timedelta(hours=hours) for hours in (20, 10, 2)])
    assert not capped.allowed and "allows 3 calls in 24 hours" in capped.reason and "unknown" in capped.reason


def test_with_no_zone_and_no_state_every_us_zone_is_in_doubt(office):
    toll_free = Customer.objects.create(office=office, phone="+18005550100", consent_status=ConsentStatus.EXPRESS)
    zones = {zone.key for zone in callee_zones(toll_free, office)}
    assert {"America/New_York", "America/Chicago", "America/Los_Angeles", "Pacific/Honolulu"} <= zones
    # 16:00 in New York is 11:00 in Honolulu; 13:00 in New York is 08:00 there (too early for the strictest states).
    assert verdict(toll_free, at("2026-11-24 16:00")).allowed
    refused = verdict(toll_free, at("2026-11-24 13:00"))
    assert not refused.allowed and ("Honolulu" in refused.reason or "Adak" in refused.reason)
    florida = Customer.objects.create(
        office=office, phone="+18005550101", state="FL", consent_status=ConsentStatus.EXPRESS
    )
    assert {zone.key for zone in callee_zones(florida, office)} == {"America/New_York", "America/Chicago"}
