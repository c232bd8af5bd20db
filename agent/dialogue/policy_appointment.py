"""An appointment the customer already has (the scripted policy's part for it): on a reminder call after they
said who they are, or when a customer with one calls in, the agent names it and asks whether they can still
make it. A yes keeps it (confirmed, on the appointment and its calendar event); moving it goes through the usual
offers, read-backs and checks, and the time they pick moves it; cancelling is read back first and done only on
a clear yes. An opt-out is heard here too (the policy's `_anywhere`, before these)."""

from __future__ import annotations

from agent.dialogue.states import DialogueState

QUESTION = "Will you still be able to make it, or would you like to move it or cancel it?"
MOVE_WORDS = ("move", "reschedule", "change", "different time", "another time", "another day", "later",
              "earlier", "push", "switch", "can't make", "cannot make", "can not make", "won't make")  # fmt: skip
CANCEL_WORDS = ("cancel", "call it off", "don't need", "do not need", "won't need", "not coming", "not going to come")
KEEP_WORDS = ("keep", "confirm", "i'll be there", "i will be there", "still good", "see you", "that's fine", "fine")
LISTENING = (
    "keep it", "keep it please", "i'll keep it", "i'll be there", "yes i'll be there", "i can make it",
    "i can still make it", "that's fine", "move it", "move it please", "can we move it", "i need to move it",
    "i'd like to move it", "reschedule", "i need to reschedule", "i'd like to reschedule", "another time",
    "a different time", "i can't make it", "i won't make it", "cancel", "cancel it", "cancel it please",
    "i need to cancel", "i need to cancel it", "i want to cancel", "i'd like to cancel", "can i cancel",
    "please cancel it",
)  # fmt: skip
KEEP_CHECK = "Just to be clear: you'll be there {when}?"
APPOINTMENT_STATES = (DialogueState.APPOINTMENT, DialogueState.CONFIRM_CANCEL, DialogueState.CONFIRM_KEEP)


def appointment_wish(intent: str, text: str) -> str:
    """'keep', 'move', 'cancel', 'yes' (a bare yes: to an either-or question it keeps nothing by itself) or ''."""
    words = f" {text.lower()} "
    if any(word in words for word in CANCEL_WORDS):
        return "cancel"
    if any(word in words for word in MOVE_WORDS) or intent == "no":
        return "move"
    if any(word in words for word in KEEP_WORDS):
        return "keep"
    return "yes" if intent == "yes" else ""


class AppointmentChanges:
    def _appointment_named(self, intro: str) -> list:
        """Name the appointment they have and ask about it (`intro`: what comes before, e.g. the greeting)."""
        appointment = self.tools.appointment()
        self.state = DialogueState.APPOINTMENT
        what = appointment.appointment_type or "appointment"
        return [self._say(f"{intro} your {what} {self._spoken(appointment.starts_at)}. {QUESTION}".strip())]

    def _appointment(self, meant) -> list:
        wish = appointment_wish(meant.intent, meant.text)
        appointment = self.tools.appointment()
        if wish == "cancel":
            self.state = DialogueState.CONFIRM_CANCEL
            return [
                self._say(f"Just to be sure: shall I cancel your appointment {self._spoken(appointment.starts_at)}?")
            ]
        if wish == "yes" or (wish == "keep" and not self._sure(meant)):  # "yes" to "make it, move or cancel?"
            self.state = DialogueState.CONFIRM_KEEP
            return [self._say(KEEP_CHECK.format(when=self._spoken(appointment.starts_at)))]
        if wish == "keep":
            return self._keep(appointment)
        if wish == "move":
            self.tools.appointment_move_start()
            self.offered = [moment for moment in self.tools.offer(count=4) if moment != appointment.starts_at][:3]
            self.state = DialogueState.OFFER
            if not self.offered:
                when = self.tools.callback(None)
                return self._close(
                    f"Our calendar is full right now, so someone will call you back {self._spoken(when)} to find "
                    "a new time. Your appointment stays as it is until then. Goodbye.",
                    "callback",
                )
            return [self._say(f"No problem. I have {self._options(self.offered)}. Which time works best for you?")]
        return self._unclear()

    def _keep(self, appointment) -> list:
        self.tools.appointment_confirm()
        return self._close(
            f"Thank you, you're confirmed for {self._spoken(appointment.starts_at)}. See you then. Goodbye.",
            "appointment_confirmed",
        )

    def _confirm_cancel(self, meant) -> list:
        if meant.intent == "yes" and self._sure(meant):
            self.tools.appointment_cancel()
            return self._close(
                f"Done: your appointment is cancelled. If you'd like a new one, call us at "
                f"{self.lines.callback_number}. Goodbye.",
                "appointment_cancelled",
            )
        if meant.intent == "no":
            self.state = DialogueState.APPOINTMENT
            return [self._say(f"All right, I won't cancel it. {QUESTION}")]
        return self._unclear()

    def _confirm_keep(self, meant) -> list:
        """The answer to "Just to be clear: you'll be there …?": a clear yes keeps it; anything else is the
        question again (a no, or words about moving or cancelling, are taken as their answer to it)."""
        wish = appointment_wish(meant.intent, meant.text)
        if wish in ("yes", "keep") and self._sure(meant):
            return self._keep(self.tools.appointment())
        if wish in ("move", "cancel"):
            self.state = DialogueState.APPOINTMENT
            return self._appointment(meant)
        return self._unclear()
