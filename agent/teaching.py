"""Staff teach the agent from what went wrong: "this phrase means …" (understood from the next call on, and heard:
its words join the recogniser's grammar) or "answer this with …" (an objection answer of a script).

Every teaching is numbered (a version per office) and checked before it goes live. First, at once: the phrasing
table's sentences (agent/speech/phrasings.yaml, as callees answer the agent) are understood with and without it,
and a teaching that would change how any sentence the agent understands today is read is refused, naming the
sentences — a teaching can fix what is not understood, never unsettle what is. Then whole calls, in the worker
(agent/teaching_check.py): the persona suite in text, then the audio corpus in the background; it goes live when
both go as before. An opt-out is checked first on every turn, so no teaching can hide one."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Max

from agent.dialogue.phrases import normalised
from agent.dialogue.understanding import understand
from agent.models import Teaching
from agent.script_lines import taught_meanings
from callscripts.models import Script
from callscripts.services import script_update
from issetter.models import Office

PHRASING_TABLE = Path(__file__).parent / "speech" / "phrasings.yaml"
SHOWN_CONFLICTS = 3


class TeachingError(ValueError):
    pass


@cache
def table_sentences() -> tuple[str, ...]:
    table = yaml.safe_load(PHRASING_TABLE.read_text())
    return tuple(
        entry["say"] if isinstance(entry, dict) else entry for entries in table["intents"].values() for entry in entries
    )


def teaching_conflicts(*, phrase: str, meaning: str, taught: tuple[tuple[str, str], ...]) -> list[str]:
    """The table's sentences the agent understands today that `phrase` = `meaning` would read otherwise."""
    found = []
    for sentence in table_sentences():
        before = understand(sentence, taught=taught).label
        if before == "unclear":
            continue  # not understood today: a teaching may well be what it needs
        after = understand(sentence, taught=((phrase, meaning), *taught)).label
        if after != before:
            found.append(f"“{sentence}” ({before} → {after})")
    return found


def teaching_add(
    *, office: Office, phrase: str, meaning: str, author=None, script: Script | None = None, answer: str = ""
) -> Teaching:
    words = normalised(phrase)
    if len(words) < 3:
        raise TeachingError("Write the phrase as the callee said it (at least a word).")
    if meaning not in Teaching.Meaning.values:
        raise TeachingError("Choose what the phrase means.")
    if meaning == Teaching.Meaning.ANSWER and (script is None or not answer.strip()):
        raise TeachingError("Choose the script that answers it, and write the answer.")
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()  # one version at a time per office
        version = (Teaching.objects.filter(office=office).aggregate(last=Max("version"))["last"] or 0) + 1
        status, reason = Teaching.Status.LIVE, ""
        if meaning == Teaching.Meaning.ANSWER:
            answers = {**script.objection_answers, words: answer.strip()}
            script_update(script=script, values={"objection_answers": answers, "is_default": script.is_default})
            reason = f"Added to the answers of {script.name}."
        else:
            conflicts = teaching_conflicts(phrase=words, meaning=meaning, taught=taught_meanings(office_id=office.pk))
            if conflicts:
                status = Teaching.Status.REFUSED
                more = f" and {len(conflicts) - SHOWN_CONFLICTS} more" if len(conflicts) > SHOWN_CONFLICTS else ""
                reason = (
                    f"It would change how the agent reads {len(conflicts)} sentence(s) it understands today: "
                    + "; ".join(conflicts[:SHOWN_CONFLICTS])
                    + more
                    + ". Teach a longer phrase."
                )
            else:
                status = Teaching.Status.CHECKING  # whole calls next (agent/teaching_check.py), in the worker
                reason = f"The {len(table_sentences())} sentences of the phrasing table read as before."
        teaching = Teaching.objects.create(
            office=office, version=version, phrase=words, meaning=meaning, script=script, answer=answer.strip(),
            status=status, reason=reason, author=author,
        )  # fmt: skip
        if status == Teaching.Status.CHECKING:
            transaction.on_commit(lambda: _check_enqueue(teaching.pk))
        return teaching


def _check_enqueue(teaching_id: int) -> None:
    from django_q.tasks import async_task

    async_task("agent.teaching_check.teaching_text_check", teaching_id, task_name=f"teaching-text-{teaching_id}")


def teaching_withdraw(*, teaching: Teaching) -> None:
    Teaching.objects.filter(pk=teaching.pk, status=Teaching.Status.LIVE).update(status=Teaching.Status.WITHDRAWN)
