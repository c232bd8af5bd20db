"""Staff's word on a call or one of its turns: good or needs work, why, and what the agent should have said."""

from __future__ import annotations

from agent.models import Feedback
from calls.models import Call, Turn


class FeedbackError(ValueError):
    pass


def feedback_add(*, call: Call, author, rating: str, comment: str = "", suggested_reply: str = "", turn_index=None):
    if rating not in Feedback.Rating.values:
        raise FeedbackError("Choose “Good” or “Needs work”.")
    turn = None
    if turn_index not in (None, ""):
        turn = Turn.objects.filter(call=call, index=turn_index).first()
        if turn is None:
            raise FeedbackError("That turn is not in this call.")
    return Feedback.objects.create(
        office_id=call.office_id,
        call=call,
        turn=turn,
        author=author,
        rating=rating,
        comment=comment.strip()[:2000],
        suggested_reply=suggested_reply.strip()[:2000],
    )
