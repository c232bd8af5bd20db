"""A script's words for one call: placeholders ({first_name}, {agent_name}, {office_name},
{office_legal_name}, {appointment_type}, {callback_number}) filled; an unknown placeholder stays as written
rather than breaking the call, and a line whose braces do not read at all (a script stored before the checks,
shown on its page) is kept as written."""

from __future__ import annotations

from agent.dialogue.policy import Lines
from callscripts.models import Script
from customers.models import Customer
from issetter.models import Office


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def taught_meanings(*, office_id: int | None) -> tuple[tuple[str, str], ...]:
    """What the office taught the agent phrases mean (live teachings, the latest first)."""
    if office_id is None:
        return ()
    from agent.models import Teaching

    live = Teaching.objects.filter(office_id=office_id, status=Teaching.Status.LIVE).exclude(meaning="answer")
    return tuple(live.order_by("-version").values_list("phrase", "meaning"))


def lines_for(
    *, script: Script, customer: Customer | None, office: Office, inbound: bool = False, reminder: bool = False
) -> Lines:
    """`customer` None: a caller we do not know (inbound)."""
    values = _Keep(
        first_name=(customer.first_name if customer else "") or "there",
        agent_name=script.agent_name,
        office_name=office.name,
        office_legal_name=office.legal_name or office.name,
        appointment_type=script.appointment_type,
        callback_number=_spoken_number(office.callback_number),
    )

    def fill(text: str) -> str:
        text = text if isinstance(text, str) else ""
        try:
            return text.format_map(values).strip()
        except (ValueError, IndexError, AttributeError, TypeError, KeyError):
            return text.strip()

    return Lines(
        greeting=fill(script.greeting),
        purpose=fill(script.purpose),
        closing=fill(script.closing),
        voicemail=fill(script.voicemail_message),
        first_name=values["first_name"],
        agent_name=script.agent_name,
        office_name=office.name,
        callback_number=values["callback_number"],
        recording_notice=fill(script.recording_notice),
        transfer_number=script.transfer_number,
        taught=taught_meanings(office_id=office.pk),
        opt_out_phrases=tuple(p for p in script.opt_out_phrases or () if isinstance(p, str)),
        objection_answers={key: fill(answer) for key, answer in _answers(script.objection_answers).items()},
        facts=tuple(fill(line) for line in (script.facts or "").splitlines() if line.strip()),
        tone=fill(script.tone or ""),
        appointment=f"{script.appointment_type} ({script.appointment_minutes} minutes)",
        appointment_type=script.appointment_type,
        inbound=("known" if customer else "unknown") if inbound else "",
        reminder=reminder,
    )


def _answers(answers) -> dict:
    return answers if isinstance(answers, dict) else {}


def _spoken_number(e164: str) -> str:
    """+12025550143 → "202-555-0143" (said digit by digit by the voice)."""
    digits = e164.removeprefix("+1") if e164.startswith("+1") and len(e164) == 12 else e164
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else e164
