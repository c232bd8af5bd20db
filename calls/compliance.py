"""The compliance gate: may this customer be called now? Checked immediately before every originate.

Everything it decides from is data the office can see and edit (its DialingPolicy, CallingRule rows —
the federal default and the states' stricter windows are seeded rows — OfficeHoliday, the do-not-call
list) plus the customer's own record and recent calls; the clock is passed in, never read here.

A refusal says why, whether it is for good (do-not-call, no consent: the entry leaves the queue) or for
now, and when the customer may next be tried (`retry_at`), so the dialer can set the entry aside.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field

from phonenumbers import NumberParseException, is_number_geographical, parse
from phonenumbers import timezone as phone_time_zones

from calls.models import Call, CallingRule, DialingPolicy, OfficeHoliday
from customers.area_code_states import AREA_CODES_BY_STATE
from customers.models import ConsentStatus, Customer, DoNotCallEntry
from customers.us_states import STATE_CODES, state_infer
from issetter.models import Office
from issetter.validators import known_time_zones

FEDERAL_WINDOW = (dt.time(8, 0), dt.time(21, 0))  # 47 CFR 64.1200(c)(1), used if no US rule row exists
SEARCH_STEP = dt.timedelta(minutes=15)
SEARCH_LIMIT = dt.timedelta(days=8)
CONSENT_ACCEPTED = {
    ConsentStatus.EXPRESS: {ConsentStatus.EXPRESS, ConsentStatus.EXPRESS_WRITTEN},
    ConsentStatus.EXPRESS_WRITTEN: {ConsentStatus.EXPRESS_WRITTEN},
}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    permanent: bool = False  # never call (do-not-call, no consent): the entry leaves the queue
    retry_at: dt.datetime | None = None  # not before this (outside hours, too many attempts …)


ALLOWED = Verdict(allowed=True)
STATE_UNKNOWN = "the state is unknown, so the strictest state rule applies"


@dataclass(frozen=True)
class CalleeStates:
    """The US states whose rules apply to a callee: their own, or every state when it is unknown."""

    codes: frozenset[str]
    known: bool

    @property
    def jurisdictions(self) -> frozenset[str]:
        return self.codes | {"US"}


def callee_states(customer: Customer) -> CalleeStates:
    """The customer's state; else the one their ZIP code or area code points at; else every state (the
    callee may be anywhere, so the intersection of every state's rules — the strictest — applies)."""
    guess = state_infer(state_text=customer.state, postal_code=customer.postal_code, phone=customer.phone)
    if guess.code:
        return CalleeStates(frozenset({guess.code}), known=True)
    return CalleeStates(STATE_CODES, known=False)


@dataclass
class RuleBook:
    """What the gate needs to know about one office, loaded once per dialing step."""

    office: Office
    policy: DialingPolicy
    rules: list[CallingRule]
    holidays: set[dt.date]
    blocked_phones: set[str] = field(default_factory=set)
    wrong_numbers: set[str] = field(default_factory=set)  # numbers a call was told are not the customer's

    @classmethod
    def load(cls, office: Office, phones: list[str] | None = None) -> RuleBook:
        policy, _ = DialingPolicy.objects.get_or_create(office=office)
        rules = list(CallingRule.objects.filter(office__isnull=True) | CallingRule.objects.filter(office=office))
        holidays = set(OfficeHoliday.objects.filter(office=office).values_list("date", flat=True))
        listed = DoNotCallEntry.objects.filter(office=office)
        wrong = Call.objects.filter(office=office, outcome=Call.Outcome.WRONG_PERSON)
        if phones is not None:
            listed, wrong = listed.filter(phone__in=phones), wrong.filter(to_number__in=phones)
        return cls(
            office, policy, rules, holidays, set(listed.values_list("phone", flat=True)),
            set(wrong.values_list("to_number", flat=True)),
        )  # fmt: skip


def call_permission(
    *,
    customer: Customer,
    book: RuleBook,
    now: dt.datetime,
    attempts: list[dt.datetime],
    voicemail_left_at: dt.datetime | None = None,
) -> Verdict:
    """May `customer` be called at `now`? `attempts` are the start times of their calls in the last week;
    `voicemail_left_at` when we last left them a message (the office then waits its cool-down)."""
    if customer.do_not_call or customer.phone in book.blocked_phones:
        return Verdict(False, "On the do-not-call list.", permanent=True)
    if customer.phone in book.wrong_numbers:
        return Verdict(
            False, "A call was told this is the wrong number: correct the number to call again.", permanent=True
        )
    accepted = CONSENT_ACCEPTED.get(book.policy.required_consent, {ConsentStatus.EXPRESS_WRITTEN})
    if customer.consent_status not in accepted:
        needed = ConsentStatus(book.policy.required_consent).label.lower()
        found = ConsentStatus(customer.consent_status).label.lower()
        return Verdict(False, f"No {needed} recorded for AI-voice calls (consent: {found}).", permanent=True)
    cooldown = dt.timedelta(days=book.policy.voicemail_cooldown_days)
    if voicemail_left_at and now - voicemail_left_at < cooldown:
        return Verdict(
            False,
            f"A voicemail was left {voicemail_left_at:%b %-d}; the office waits {cooldown.days} days.",
            retry_at=voicemail_left_at + cooldown,
        )
    for check in (_attempt_caps, _calling_hours):
        verdict = check(customer, book, now, attempts)
        if not verdict.allowed:
            return verdict
    return ALLOWED


def callee_zones(customer: Customer, office: Office) -> list[zoneinfo.ZoneInfo]:
    """The zones the callee may be in: their own, plus every zone of their number's area when that area
    spans several (the most restrictive window applies); else the number's zone; else, for a US-plan
    number, every zone of the states they may be in (all of them when the state is unknown); else the
    office's."""
    number_zones = _number_zones(customer.phone)
    names = ([customer.time_zone] if customer.time_zone else []) + (
        number_zones if len(number_zones) > 1 or not customer.time_zone else []
    )
    if not names and customer.phone.startswith("+1"):
        names = sorted({zone for state in callee_states(customer).codes for zone in _state_zones(state)})
    names = [name for name in dict.fromkeys(names) if name in known_time_zones()] or [office.time_zone]
    return [zoneinfo.ZoneInfo(name) for name in names]


def window_for(
    customer: Customer, book: RuleBook, local: dt.datetime, states: CalleeStates | None = None
) -> tuple[dt.time, dt.time] | str:
    """The calling window on `local`'s day in the callee's zone (the intersection of the federal rule and
    the rules of every state they may be in), or the reason there is none that day."""
    states = states or callee_states(customer)
    day = local.date()
    start, end = FEDERAL_WINDOW
    has_federal = False
    for rule in book.rules:
        if rule.jurisdiction not in states.jurisdictions:
            continue
        if rule.weekday is not None and rule.weekday != day.weekday():
            continue
        if (rule.effective_from and day < rule.effective_from) or (rule.effective_to and day > rule.effective_to):
            continue
        if not rule.calls_allowed:
            unknown = "" if states.known or rule.jurisdiction == "US" else f"; {STATE_UNKNOWN}"
            return f"No calls on {day:%A}s ({rule.jurisdiction} rule{unknown})."
        has_federal = has_federal or (rule.jurisdiction == "US" and rule.office_id is None)
        start, end = max(start, rule.start_local), min(end, rule.end_local)
    if not has_federal:  # the federal floor holds even if its row was deleted
        start, end = max(start, FEDERAL_WINDOW[0]), min(end, FEDERAL_WINDOW[1])
    return (start, end) if start < end else "No calling window that day."


def _calling_hours(customer: Customer, book: RuleBook, now: dt.datetime, attempts) -> Verdict:
    reason = _hours_refusal(customer, book, now)
    if reason is None:
        return ALLOWED
    moment = _quarter_hour_floor(now)
    while moment < now + SEARCH_LIMIT:
        moment += SEARCH_STEP
        if _hours_refusal(customer, book, moment) is None:
            return Verdict(False, reason, retry_at=moment)
    return Verdict(False, reason, retry_at=now + SEARCH_LIMIT)


def _hours_refusal(customer: Customer, book: RuleBook, moment: dt.datetime) -> str | None:
    office_day = moment.astimezone(book.office.zone).date()
    if office_day in book.holidays:
        return f"{office_day:%b %-d} is an office holiday."
    states = callee_states(customer)
    for zone in callee_zones(customer, book.office):
        local = moment.astimezone(zone)
        window = window_for(customer, book, local, states)
        if isinstance(window, str):
            return window
        start, end = window
        if not start <= local.time().replace(tzinfo=None) < end:
            unknown = "" if states.known else f"; {STATE_UNKNOWN}"
            return f"Outside calling hours: {local:%H:%M} in {zone.key} (allowed {start:%H:%M}–{end:%H:%M}{unknown})."
    return None


def _attempt_caps(customer: Customer, book: RuleBook, now: dt.datetime, attempts: list[dt.datetime]) -> Verdict:
    policy = book.policy
    attempts = sorted(moment for moment in attempts if moment <= now)
    gap = dt.timedelta(minutes=policy.min_minutes_between_attempts)
    if attempts and now - attempts[-1] < gap:
        reason = f"Called {_ago(now - attempts[-1])}; the office waits {policy.min_minutes_between_attempts} min."
        return Verdict(False, reason, retry_at=attempts[-1] + gap)
    zone = callee_zones(customer, book.office)[0]
    midnight = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    today = [moment for moment in attempts if moment >= midnight]
    if len(today) >= policy.max_attempts_per_day:
        tomorrow = midnight + dt.timedelta(days=1)  # wall-clock arithmetic: the next local midnight
        return Verdict(
            False, f"Already tried {len(today)} times today (limit {policy.max_attempts_per_day}).", retry_at=tomorrow
        )
    week = [moment for moment in attempts if moment > now - dt.timedelta(days=7)]
    if len(week) >= policy.max_attempts_per_week:
        return Verdict(
            False,
            f"Already tried {len(week)} times this week (limit {policy.max_attempts_per_week}).",
            retry_at=week[-policy.max_attempts_per_week] + dt.timedelta(days=7),
        )
    states = callee_states(customer)
    caps = [rule for rule in book.rules if rule.max_calls_per_24h and rule.jurisdiction in states.jurisdictions]
    day = [moment for moment in attempts if moment > now - dt.timedelta(hours=24)]
    strictest = min(caps, key=lambda rule: rule.max_calls_per_24h, default=None)
    if strictest and len(day) >= strictest.max_calls_per_24h:
        unknown = "" if states.known or strictest.jurisdiction == "US" else f" ({STATE_UNKNOWN})"
        return Verdict(
            False,
            f"{strictest.jurisdiction} allows {strictest.max_calls_per_24h} calls in 24 hours{unknown}.",
            retry_at=day[-strictest.max_calls_per_24h] + dt.timedelta(hours=24),
        )
    return ALLOWED


def _number_zones(phone: str) -> list[str]:
    try:
        parsed = parse(phone, None)
    except NumberParseException:
        return []
    if not is_number_geographical(parsed):  # toll-free, mobile-only plans …: the number says nothing
        return []
    return [zone for zone in phone_time_zones.time_zones_for_geographical_number(parsed) if zone != "Etc/Unknown"]


@functools.cache
def _state_zones(state: str) -> tuple[str, ...]:
    """Every time zone of a state's area codes (Florida: New York and Chicago)."""
    zones: set[str] = set()
    for area_code in AREA_CODES_BY_STATE.get(state, "").split():
        zones.update(_number_zones(f"+1{area_code}2345678"))
    return tuple(sorted(zones))


def _quarter_hour_floor(moment: dt.datetime) -> dt.datetime:
    """Round down to the quarter hour (the search then steps forward from there)."""
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def _ago(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} min ago" if minutes < 120 else f"{minutes // 60} h ago"
