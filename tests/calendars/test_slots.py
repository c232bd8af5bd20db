"""The slot finder as the voice agent and staff use it: free starts from an office's hours, zone and busy time.

Every test pins `now`. New York dates: Mon 2025-06-02 is summer (UTC-4); DST starts Sun 2025-03-09 and ends
Sun 2025-11-02 (UTC-5 in winter).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from calendars.slots import (
    Interval,
    SlotRules,
    slot_is_free,
    slot_nearest,
    slots_available,
    slots_in_part_of_day,
    slots_proposed,
)

NINE_TO_FIVE = ((dt.time(9), dt.time(17)),)


def at(y, m, d, h=0, mi=0, zone="America/New_York", fold=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=ZoneInfo(zone), fold=fold)


def utc(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=dt.UTC)


def office(**overrides):
    """A New York office open 9-17 on weekdays, booking 30 minute appointments."""
    fields = {
        "time_zone": "America/New_York",
        "hours": dict.fromkeys(range(5), NINE_TO_FIVE),
        "length": dt.timedelta(minutes=30),
    }
    return SlotRules(**(fields | overrides))


def wall(slots, zone="America/New_York"):
    """Slots as the office reads them: "Mon 09:00"."""
    return [s.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") for s in slots]


MONDAY_8AM = at(2025, 6, 2, 8)


# Opening hours


def test_it_offers_every_half_hour_from_opening_until_the_last_start_that_ends_by_closing():
    rules = office(minimum_notice=dt.timedelta(0), max_days_ahead=0)

    slots = slots_available(rules=rules, busy=[], now=at(2025, 6, 2, 7))

    assert len(slots) == 16
    assert slots[0] == utc(2025, 6, 2, 13) and slots[-1] == utc(2025, 6, 2, 20, 30)
    assert all(s.tzinfo is dt.UTC for s in slots)
    assert slots == sorted(slots)


def test_a_longer_appointment_stops_earlier():
    rules = office(length=dt.timedelta(hours=1), minimum_notice=dt.timedelta(0), max_days_ahead=0)

    assert wall(slots_available(rules=rules, busy=[], now=at(2025, 6, 2, 7)))[-1] == "Mon 16:00"


def test_a_lunch_break_splits_the_day_into_two_periods():
    hours = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17)))
    rules = office(hours=dict.fromkeys(range(5), hours), minimum_notice=dt.timedelta(0), max_days_ahead=0)

    times = wall(slots_available(rules=rules, busy=[], now=at(2025, 6, 2, 7)))

    assert "Mon 11:30" in times and "Mon 13:00" in times
    assert "Mon 12:00" not in times and "Mon 12:30" not in times


def test_the_office_is_closed_at_the_weekend():
    rules = office(minimum_notice=dt.timedelta(0), max_days_ahead=3)

    days = {label[:3] for label in wall(slots_available(rules=rules, busy=[], now=at(2025, 6, 6, 7)))}

    assert days == {"Fri", "Mon"}


def test_there_are_no_slots_on_a_holiday():
    rules = office(max_days_ahead=2, holidays=frozenset({dt.date(2025, 6, 3)}))

    days = {label[:3] for label in wall(slots_available(rules=rules, busy=[], now=MONDAY_8AM))}

    assert days == {"Mon", "Wed"}
    assert not slot_is_free(rules=rules, busy=[], now=MONDAY_8AM, start=at(2025, 6, 3, 10))


# Notice and horizon


def test_it_keeps_the_minimum_notice_and_rounds_up_to_the_next_step():
    rules = office()

    assert wall(slots_available(rules=rules, busy=[], now=at(2025, 6, 2, 9, 10)))[0] == "Mon 11:30"
    assert wall(slots_available(rules=rules, busy=[], now=at(2025, 6, 2, 9)))[0] == "Mon 11:00"


def test_it_offers_nothing_past_max_days_ahead():
    slots = slots_available(rules=office(max_days_ahead=2), busy=[], now=MONDAY_8AM)

    assert wall(slots)[-1] == "Wed 16:30"
    assert wall(slots_available(rules=office(max_days_ahead=0), busy=[], now=MONDAY_8AM))[-1] == "Mon 16:30"


def test_the_horizon_counts_days_in_the_office_zone_not_utc():
    late_monday = at(2025, 6, 2, 23, 30)  # already Tuesday 03:30 in UTC

    slots = slots_available(rules=office(max_days_ahead=1), busy=[], now=late_monday)

    assert {label[:3] for label in wall(slots)} == {"Tue"}


def test_it_can_be_narrowed_to_a_window():
    slots = slots_available(
        rules=office(), busy=[], now=MONDAY_8AM, start=at(2025, 6, 3, 15), end=at(2025, 6, 3, 16, 30)
    )

    assert wall(slots) == ["Tue 15:00", "Tue 15:30", "Tue 16:00"]


# Busy time and buffers


def test_busy_time_removes_the_slots_it_overlaps_but_touching_is_fine():
    busy = [Interval(at(2025, 6, 2, 11), at(2025, 6, 2, 12))]

    times = wall(slots_available(rules=office(max_days_ahead=0), busy=busy, now=MONDAY_8AM))

    assert times[:4] == ["Mon 10:00", "Mon 10:30", "Mon 12:00", "Mon 12:30"]


def test_buffers_keep_clear_of_busy_time_but_may_fall_outside_opening_hours():
    rules = office(buffer_before=dt.timedelta(minutes=15), buffer_after=dt.timedelta(minutes=15), max_days_ahead=0)
    busy = [Interval(at(2025, 6, 2, 11), at(2025, 6, 2, 12))]

    times = wall(slots_available(rules=rules, busy=busy, now=MONDAY_8AM))

    assert times[:3] == ["Mon 10:00", "Mon 12:30", "Mon 13:00"]
    assert times[-1] == "Mon 16:30"


def test_busy_time_in_another_zone_blocks_the_same_instants():
    berlin_meeting = Interval(at(2025, 6, 2, 16, zone="Europe/Berlin"), at(2025, 6, 2, 17, zone="Europe/Berlin"))

    times = wall(slots_available(rules=office(max_days_ahead=0), busy=[berlin_meeting], now=MONDAY_8AM))

    assert "Mon 10:00" not in times and "Mon 10:30" not in times
    assert "Mon 11:00" in times


def test_intervals_overlap_only_when_they_share_time():
    morning = Interval(utc(2025, 6, 2, 9), utc(2025, 6, 2, 10))

    assert morning.overlaps(Interval(at(2025, 6, 2, 5, 30), at(2025, 6, 2, 6, 30)))
    assert not morning.overlaps(Interval(utc(2025, 6, 2, 10), utc(2025, 6, 2, 11)))


# One start checked


def test_a_free_allowed_start_is_free_in_any_zone():
    rules = office()

    assert slot_is_free(rules=rules, busy=[], now=MONDAY_8AM, start=at(2025, 6, 3, 14))
    assert slot_is_free(rules=rules, busy=[], now=MONDAY_8AM, start=utc(2025, 6, 3, 18))


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(at(2025, 6, 3, 9, 15), id="not-on-the-step"),
        pytest.param(at(2025, 6, 3, 8, 30), id="before-opening"),
        pytest.param(at(2025, 6, 3, 17), id="at-closing"),
        pytest.param(at(2025, 6, 2, 9, 30), id="inside-minimum-notice"),
        pytest.param(at(2025, 6, 17, 10), id="past-the-horizon"),
        pytest.param(at(2025, 6, 7, 10), id="saturday"),
        pytest.param(at(2025, 6, 3, 11), id="busy"),
    ],
)
def test_a_start_the_rules_do_not_offer_is_not_free(start):
    busy = [Interval(at(2025, 6, 3, 10, 45), at(2025, 6, 3, 11, 15))]

    assert not slot_is_free(rules=office(), busy=busy, now=MONDAY_8AM, start=start)


def test_a_start_whose_appointment_runs_past_closing_is_not_free():
    rules = office(length=dt.timedelta(hours=1))

    assert not slot_is_free(rules=rules, busy=[], now=MONDAY_8AM, start=at(2025, 6, 3, 16, 30))


# Daylight saving time


def test_the_same_local_nine_oclock_moves_in_utc_across_spring_forward():
    rules = office(minimum_notice=dt.timedelta(0), max_days_ahead=4)

    slots = slots_available(rules=rules, busy=[], now=utc(2025, 3, 6, 12))

    assert utc(2025, 3, 7, 14) in slots and utc(2025, 3, 7, 13) not in slots  # Friday, EST
    assert utc(2025, 3, 10, 13) in slots and utc(2025, 3, 10, 14, 30) in slots  # Monday, EDT
    assert wall(slots).count("Fri 09:00") == 1 and wall(slots).count("Mon 09:00") == 1


def test_the_same_local_nine_oclock_moves_in_utc_across_fall_back():
    rules = office(minimum_notice=dt.timedelta(0), max_days_ahead=4)

    slots = slots_available(rules=rules, busy=[], now=utc(2025, 10, 30, 12))

    assert utc(2025, 10, 31, 13) in slots  # Friday, EDT
    assert utc(2025, 11, 3, 14) in slots and utc(2025, 11, 3, 13, 30) not in slots  # Monday, EST


def test_wall_times_skipped_by_spring_forward_are_not_offered():
    rules = office(hours={6: ((dt.time(1), dt.time(4)),)}, minimum_notice=dt.timedelta(0), max_days_ahead=1)

    slots = slots_available(rules=rules, busy=[], now=utc(2025, 3, 8, 12))

    assert slots == [utc(2025, 3, 9, 6), utc(2025, 3, 9, 6, 30), utc(2025, 3, 9, 7), utc(2025, 3, 9, 7, 30)]
    assert wall(slots) == ["Sun 01:00", "Sun 01:30", "Sun 03:00", "Sun 03:30"]


def test_wall_times_repeated_by_fall_back_are_offered_once_at_their_first_occurrence():
    rules = office(hours={6: ((dt.time(1, 30), dt.time(3)),)}, minimum_notice=dt.timedelta(0), max_days_ahead=1)
    now = utc(2025, 11, 1, 12)

    slots = slots_available(rules=rules, busy=[], now=now)

    assert slots == [utc(2025, 11, 2, 5, 30), utc(2025, 11, 2, 7), utc(2025, 11, 2, 7, 30)]
    assert wall(slots) == ["Sun 01:30", "Sun 02:00", "Sun 02:30"]
    assert slot_is_free(rules=rules, busy=[], now=now, start=at(2025, 11, 2, 1, 30))
    assert not slot_is_free(rules=rules, busy=[], now=now, start=at(2025, 11, 2, 1, 30, fold=1))


def test_offices_in_london_and_los_angeles_open_at_their_own_nine():
    monday_6am_in_london = utc(2025, 3, 17, 6)  # US already on summer time, UK not yet
    london = office(time_zone="Europe/London")
    los_angeles = office(time_zone="America/Los_Angeles")

    assert slots_available(rules=london, busy=[], now=monday_6am_in_london)[0] == utc(2025, 3, 17, 9)
    assert slots_available(rules=los_angeles, busy=[], now=monday_6am_in_london)[0] == utc(2025, 3, 17, 16)
    assert slots_available(rules=london, busy=[], now=utc(2025, 6, 2, 6))[0] == utc(2025, 6, 2, 8)


# Proposals read to a caller


def test_it_proposes_today_then_tomorrow_in_the_other_half_then_later_in_the_week():
    assert wall(slots_proposed(rules=office(), busy=[], now=MONDAY_8AM)) == ["Mon 10:00", "Tue 12:00", "Thu 09:00"]
    assert wall(slots_proposed(rules=office(), busy=[], now=at(2025, 6, 2, 13))) == [
        "Mon 15:00",
        "Tue 09:00",
        "Thu 12:00",
    ]


def test_proposals_are_ascending_on_distinct_half_days():
    busy = [Interval(at(2025, 6, 2, 9), at(2025, 6, 3, 15)), Interval(at(2025, 6, 4, 9), at(2025, 6, 4, 16))]

    slots = slots_proposed(rules=office(), busy=busy, now=MONDAY_8AM, count=4)

    local = [s.astimezone(ZoneInfo("America/New_York")) for s in slots]
    halves = {(moment.date(), moment.hour < 12) for moment in local}
    assert len(slots) == 4 and len(halves) == 4
    assert slots == sorted(slots)


def test_when_the_week_is_busy_it_proposes_whatever_is_free_on_separate_half_days():
    busy = [
        Interval(at(2025, 6, 2), at(2025, 6, 4, 9)),
        Interval(at(2025, 6, 4, 10, 30), at(2025, 6, 4, 14)),
        Interval(at(2025, 6, 4, 15), at(2025, 6, 6, 9)),
        Interval(at(2025, 6, 6, 10), at(2025, 7, 1)),
    ]

    assert wall(slots_proposed(rules=office(), busy=busy, now=MONDAY_8AM)) == ["Wed 09:00", "Wed 14:00", "Fri 09:00"]


def test_it_never_proposes_two_starts_in_the_same_half_day():
    busy = [Interval(at(2025, 6, 2), at(2025, 6, 4, 9)), Interval(at(2025, 6, 4, 10, 30), at(2025, 7, 1))]

    assert wall(slots_proposed(rules=office(), busy=busy, now=MONDAY_8AM)) == ["Wed 09:00"]


def test_it_proposes_nothing_when_nothing_is_free():
    busy = [Interval(at(2025, 6, 1), at(2025, 7, 1))]

    assert slots_proposed(rules=office(), busy=busy, now=MONDAY_8AM) == []


# "Is Thursday at 2 free, or what is nearest?"


def test_a_free_wanted_time_comes_first():
    slots = slot_nearest(rules=office(), busy=[], now=MONDAY_8AM, wanted=at(2025, 6, 5, 14))

    assert wall(slots) == ["Thu 14:00", "Thu 13:30"]


def test_a_busy_wanted_time_gets_the_nearest_free_starts_that_day():
    busy = [Interval(at(2025, 6, 5, 14), at(2025, 6, 5, 15))]

    slots = slot_nearest(rules=office(), busy=busy, now=MONDAY_8AM, wanted=utc(2025, 6, 5, 18), count=3)

    assert wall(slots) == ["Thu 13:30", "Thu 13:00", "Thu 15:00"]  # nearest first; the earlier of two as near


def test_the_wanted_day_wins_over_a_closer_start_on_the_next_day():
    rules = office(hours=dict.fromkeys(range(5), ((dt.time(8), dt.time(23)),)))
    busy = [Interval(at(2025, 6, 4, 10), at(2025, 6, 4, 23))]

    slots = slot_nearest(rules=rules, busy=busy, now=MONDAY_8AM, wanted=at(2025, 6, 4, 22))

    assert wall(slots) == ["Wed 09:30", "Wed 09:00"]


def test_a_fully_booked_wanted_day_falls_back_to_the_nearest_days():
    busy = [Interval(at(2025, 6, 5), at(2025, 6, 6))]

    slots = slot_nearest(rules=office(), busy=busy, now=MONDAY_8AM, wanted=at(2025, 6, 5, 13))

    assert wall(slots) == ["Fri 09:00", "Wed 16:30"]  # 20 hours after, 20 and a half before


def test_nothing_nearest_when_nothing_is_free():
    busy = [Interval(at(2025, 6, 1), at(2025, 7, 1))]

    assert slot_nearest(rules=office(), busy=busy, now=MONDAY_8AM, wanted=at(2025, 6, 5, 14)) == []


# "Anything Tuesday morning?"


def long_day_office():
    return office(hours=dict.fromkeys(range(5), ((dt.time(9), dt.time(20)),)))


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("morning", ["Mon 10:00", "Mon 10:30", "Mon 11:00"]),
        ("afternoon", ["Mon 12:00", "Mon 12:30", "Mon 13:00"]),
        ("evening", ["Mon 17:00", "Mon 17:30", "Mon 18:00"]),
    ],
)
def test_it_lists_the_first_free_starts_in_a_part_of_the_day(part, expected):
    assert wall(slots_in_part_of_day(rules=long_day_office(), busy=[], now=MONDAY_8AM, part=part)) == expected


def test_it_lists_a_part_of_one_day_around_busy_time():
    busy = [Interval(at(2025, 6, 3, 12), at(2025, 6, 3, 13))]

    slots = slots_in_part_of_day(
        rules=long_day_office(), busy=busy, now=MONDAY_8AM, part="afternoon", day=dt.date(2025, 6, 3), count=5
    )

    assert wall(slots) == ["Tue 13:00", "Tue 13:30", "Tue 14:00", "Tue 14:30", "Tue 15:00"]


def test_an_evening_on_a_day_that_closes_at_five_is_empty():
    assert slots_in_part_of_day(rules=office(), busy=[], now=MONDAY_8AM, part="evening", day=dt.date(2025, 6, 3)) == []


def test_an_unknown_part_of_day_is_refused():
    with pytest.raises(ValueError, match="part must be one of"):
        slots_in_part_of_day(rules=office(), busy=[], now=MONDAY_8AM, part="night")
