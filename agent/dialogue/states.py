"""The dialogue's states: where a call stands, for the policy (scripted or language model), the
recogniser's grammars and the session."""

from __future__ import annotations

from enum import StrEnum


class DialogueState(StrEnum):
    WAITING_HELLO = "waiting_hello"  # the call was answered: nobody has spoken yet
    IDENTIFY = "identify"  # "Is this Maria?"
    OFFER = "offer"  # times are on the table
    CONFIRM = "confirm"  # one time read back: "shall I book it?"
    CONFIRM_INTENT = "confirm_intent"  # "Did you say …?" about words it was unsure of
    CONFIRM_OPT_OUT = "confirm_opt_out"  # "Would you like us to stop calling you?"
    HOLDING = "holding"  # "hold on a second": waiting quietly
    NOT_AVAILABLE = "not_available"  # the person is not there: when to call back?
    APPOINTMENT = "appointment"  # their appointment named: "Will you still be able to make it …?"
    CONFIRM_CANCEL = "confirm_cancel"  # "Just to be sure: shall I cancel …?"
    CONFIRM_KEEP = "confirm_keep"  # a bare yes to "make it, move it or cancel it?": "you'll be there …?"
    MESSAGE = "message"  # a caller we do not know: "Please say your name and your message."
    CLOSED = "closed"  # goodbye said; nothing more is heard
