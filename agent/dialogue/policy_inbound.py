"""People who call the office (the scripted policy's part for inbound calls): greeted at once with the office's
name; a customer we know by their number hears why we were trying to reach them and the times on offer, then
the call goes on as any other; a caller we do not know is asked for their name and message, which reaches staff
as an alert. An opt-out is heard in every state, here too (the policy's `_anywhere`)."""

from __future__ import annotations

from agent.dialogue.states import DialogueState

MESSAGE_ASK = "Please say your name and your message, and someone from the office will call you back."
RETURNING = (
    "called me", "missed a call", "missed your call", "got a call", "got a message", "got a voicemail",
    "left me a message", "left a message", "returning your call", "returning a call", "calling you back",
    "calling back", "call from this number", "saw a missed call", "why did you call", "you called",
)  # fmt: skip


def returning_a_call(text: str) -> bool:
    """ "You called me", "I missed a call from this number", "I'm returning your call"."""
    words = text.lower()
    return any(phrase in words for phrase in RETURNING)


class InboundCalls:
    def _greet_inbound(self) -> list:
        lines = self.lines
        notice = f" {lines.recording_notice}" if lines.recording_notice else ""
        hello = (
            f"Thank you for calling {lines.office_name}. This is {lines.agent_name}, an automated assistant.{notice}"
        )
        if lines.inbound == "unknown":
            self.state = DialogueState.MESSAGE
            return [self._say(f"{hello} No one from the office can take your call right now. {MESSAGE_ASK}")]
        if self.tools.appointment() is not None:  # they have one coming: that is likely why they call
            return self._appointment_named(f"{hello} Hi {lines.first_name}, thanks for calling. I see")
        self.state = DialogueState.OFFER
        self.offered = self.tools.offer(count=3)
        about = self._about()
        if not self.offered:
            when = self.tools.callback(None)
            return self._close(
                f"{hello} Hi {lines.first_name}, {about}. Our calendar is full right now, so someone will call you "
                f"back {self._spoken(when)}. Goodbye.",
                "callback",
            )
        return [
            self._say(
                f"{hello} Hi {lines.first_name}, thanks for calling back: {about}. "
                f"I have {self._options(self.offered)}. Which time works best for you?"
            )
        ]

    def _about(self) -> str:
        kind = self.lines.appointment_type
        return f"we were trying to reach you to set up your {kind}" if kind else "we were trying to reach you"

    def _returning(self) -> list:
        """ "You called me?" to the times on offer: why we called, and the times again."""
        if not self.offered:
            return self._unclear()
        return [
            self._say(f"Yes, {self._about()}. I have {self._options(self.offered)}. Which time works best for you?")
        ]

    def _message(self, meant) -> list:
        """What an unknown caller said after the question is their message (an opt-out was taken before)."""
        if meant.intent in ("hello", "unclear") and len(meant.text.split()) < 3:
            self.unclear += 1
            if self.unclear > 2:
                return self._close("I'm sorry, I didn't get a message. Please call again later. Goodbye.", "")
            return [self._say(f"Sorry? {MESSAGE_ASK}")]
        self.tools.caller_message(meant.text)
        return self._close(
            "Thank you. I've passed your message on, and someone from the office will call you back. Goodbye.",
            "message_taken",
        )
