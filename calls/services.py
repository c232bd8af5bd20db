"""Writes for dialing. (The dialer, queue and event listener grow here.)"""

from __future__ import annotations

from calls.models import DialingPolicy
from calls.selectors import call_history_of
from customers.services import customer_profile_record_calls
from issetter.models import Office


def dialing_policy_ensure(*, office: Office) -> DialingPolicy:
    policy, _ = DialingPolicy.objects.get_or_create(office=office)
    return policy


def customer_profile_refresh(*, customer_id: int) -> None:
    """Bring the customer's profile in line with their calls (safe to repeat: it recomputes)."""
    customer_profile_record_calls(customer_id=customer_id, history=call_history_of(customer_id=customer_id))
