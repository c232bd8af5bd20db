"""The switch's hangup causes (Q.850 names, as FreeSWITCH reports them) in words staff understand."""

from __future__ import annotations

CAUSE_WORDS = {
    "NORMAL_CLEARING": "Ended normally",
    "NORMAL_UNSPECIFIED": "Ended normally",
    "MANAGER_REQUEST": "Ended by the system",
    "ALLOTTED_TIMEOUT": "Ended at the longest call allowed",
    "NO_ANSWER": "No answer",
    "NO_USER_RESPONSE": "No answer (the phone did not respond)",
    "ORIGINATOR_CANCEL": "We stopped ringing",
    "USER_BUSY": "Busy",
    "CALL_REJECTED": "Rejected by the person or their carrier",
    "UNALLOCATED_NUMBER": "Number not in service",
    "INVALID_NUMBER_FORMAT": "Not a valid number",
    "NUMBER_CHANGED": "The number has changed",
    "SUBSCRIBER_ABSENT": "Phone switched off or out of reach",
    "NETWORK_OUT_OF_ORDER": "Phone network fault",
    "NORMAL_TEMPORARY_FAILURE": "Temporary network failure",
    "RECOVERY_ON_TIMER_EXPIRE": "The network did not answer in time",
    "DESTINATION_OUT_OF_ORDER": "The line is out of order",
    "NO_ROUTE_DESTINATION": "No route to the number",
    "GATEWAY_DOWN": "Our phone line (trunk) was down",
    "LOSE_RACE": "Answered elsewhere",
    "MEDIA_TIMEOUT": "The audio stopped",
}


def hangup_cause_words(cause: str) -> str:
    """ "Busy" for USER_BUSY; an unknown cause in plain case ("Some new cause") rather than its code."""
    if not cause:
        return ""
    return CAUSE_WORDS.get(cause.upper(), cause.replace("_", " ").capitalize())
