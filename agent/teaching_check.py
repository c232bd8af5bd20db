"""The second and third checks of a teaching: whole calls. The persona corpus is simulated (`manage.py simulate`,
in a database of its own) with the office's live teachings, and again with the new one added; a persona that
went as expected before and does not with it is a regression, and refuses the teaching, naming the personas.

- In text, at once (the worker, a minute or two).
- Then in audio, in the background (several minutes); the teaching goes live when both go as before.

The corpora are settings (TEACHING_CHECK_TEXT_PERSONAS, TEACHING_CHECK_AUDIO_PERSONAS — empty: no audio check);
the clock is pinned to a weekday morning the suite is written for."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command

from agent.models import Teaching

log = logging.getLogger(__name__)

CHECK_NOW = "2026-11-24T09:30:00-05:00"  # a Tuesday morning before 10:00, as the suite assumes


_baselines: dict[tuple, dict[str, bool]] = {}  # the same corpus with the same teachings: simulated once a process


def persona_results(
    *, personas: str, text: bool, taught: list[tuple[str, str]], again: bool = False
) -> dict[str, bool]:
    """Each persona's name → whether its call went as it expects, with `taught` live in the simulated office
    (`again`: simulated afresh, not the result kept from before)."""
    path = Path(settings.BASE_DIR) / personas
    key = (personas, path.stat().st_mtime if path.exists() else 0, text, tuple(taught))
    if again or key not in _baselines:
        _baselines[key] = _simulated(personas=personas, text=text, taught=taught)
    return _baselines[key]


def _simulated(*, personas: str, text: bool, taught: list[tuple[str, str]]) -> dict[str, bool]:
    out = StringIO()
    arguments = [str(Path(settings.BASE_DIR) / personas), "--json", "--now", CHECK_NOW, "--concurrency", "4"]
    arguments += ["--text", "--time-scale", "0.25"] if text else []
    arguments += [argument for phrase, meaning in taught for argument in ("--teach", f"{phrase}={meaning}")]
    try:
        call_command("simulate", *arguments, stdout=out)
    except CommandError:
        if "{" not in out.getvalue():  # no report at all: the simulation itself failed
            raise
    report = json.loads(out.getvalue()[out.getvalue().index("{") :])
    return {row["name"]: bool(row["passed"]) for row in report["personas"]}


def regressions(*, teaching: Teaching, personas: str, text: bool) -> tuple[list[str], int]:
    """The personas that go as expected without `teaching` and not with it, twice running; and how many were run.
    A call in audio can go astray once on a loaded machine (a word misheard); a regression must happen again."""
    others = Teaching.objects.filter(office_id=teaching.office_id, status=Teaching.Status.LIVE).exclude(pk=teaching.pk)
    taught = [(t.phrase, t.meaning) for t in others.exclude(meaning=Teaching.Meaning.ANSWER).order_by("version")]
    with_it = [*taught, (teaching.phrase, teaching.meaning)]
    with ThreadPoolExecutor(max_workers=2) as both:  # each simulation is a process of its own: side by side
        runs = [both.submit(persona_results, personas=personas, text=text, taught=t) for t in (taught, with_it)]
        before, after = (run.result() for run in runs)
    broken = {name for name, passed in before.items() if passed and not after.get(name, False)}
    if broken:
        again = persona_results(personas=personas, text=text, taught=with_it, again=True)
        broken = {name for name in broken if not again.get(name, False)}
    return sorted(broken), len(before)


def _whole_calls(teaching: Teaching, *, personas: str, text: bool) -> tuple[bool, str]:
    """(whether the corpus goes as before with the teaching, what was found — in words for the page)."""
    mode = "In text" if text else "In audio"
    try:
        broken, run = regressions(teaching=teaching, personas=personas, text=text)
    except Exception as problem:  # noqa: BLE001  (a check that cannot run must not put the teaching live)
        log.exception("teaching %s: the check on whole calls could not run", teaching.pk)
        return False, f"{mode}, the check on whole calls could not run ({problem})."
    if broken:
        return False, f"{mode}, it breaks {', '.join(broken)} (of {run} personas of {personas})."
    return True, f"{mode}, the {run} personas of {personas} go as before."


def teaching_text_check(teaching_id: int) -> str:
    teaching = Teaching.objects.filter(pk=teaching_id, status=Teaching.Status.CHECKING).first()
    if teaching is None:
        return "gone"
    passed, found = _whole_calls(teaching, personas=settings.TEACHING_CHECK_TEXT_PERSONAS, text=True)
    reason = f"{teaching.reason} {found}"
    if not passed:
        _set(teaching, Teaching.Status.REFUSED, reason=reason)
        return "refused"
    if not settings.TEACHING_CHECK_AUDIO_PERSONAS:
        _set(teaching, Teaching.Status.LIVE, reason=reason)
        return "live"
    _set(teaching, Teaching.Status.CHECKING, reason=reason)  # audio next, in the background
    from django_q.tasks import async_task

    async_task("agent.teaching_check.teaching_audio_check", teaching.pk, task_name=f"teaching-audio-{teaching.pk}")
    return "checking in audio"


def teaching_audio_check(teaching_id: int) -> str:
    teaching = Teaching.objects.filter(pk=teaching_id, status=Teaching.Status.CHECKING).first()
    if teaching is None:
        return "gone"
    passed, found = _whole_calls(teaching, personas=settings.TEACHING_CHECK_AUDIO_PERSONAS, text=False)
    status = Teaching.Status.LIVE if passed else Teaching.Status.REFUSED
    _set(teaching, status, audio_check=found)
    return status


def _set(teaching: Teaching, status: str, **found: str) -> None:
    Teaching.objects.filter(pk=teaching.pk).update(status=status, **found)
