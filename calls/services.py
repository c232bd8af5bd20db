"""Writes for dialing. (The dialer, queue and event listener grow here.)"""

from __future__ import annotations

from calls.models import DialingPolicy
from issetter.models import Office


def dialing_policy_ensure(*, office: Office) -> DialingPolicy:
    policy, _ = DialingPolicy.objects.get_or_create(office=office)
    return policy
