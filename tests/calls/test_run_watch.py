"""The dial-run watchdog: a run that says running but that nobody drives is queued again, and after a few
tries failed with the reason; a run being driven is left alone."""

import datetime as dt

import pytest
from django.utils import timezone

from calls.models import DialRun
from calls.run_watch import MAX_RESCUES, UNATTENDED, dial_run_driven_elsewhere, dial_runs_rescue

LATER = UNATTENDED + dt.timedelta(minutes=1)


@pytest.fixture
def orphan(office):
    """A run whose task died: handed to the worker once, never driven since."""
    run = DialRun.objects.create(office=office)
    DialRun.objects.filter(pk=run.pk).update(handed_at=timezone.now())
    return run


def test_it_hands_a_run_nobody_drives_to_the_worker_again(orphan):
    assert dial_runs_rescue(now=timezone.now() + LATER) == 1
    orphan.refresh_from_db()
    # the tests' worker runs tasks inline: the task drove the run at once (and found no switch to dial with)
    assert orphan.status == DialRun.Status.PAUSED and orphan.rescues == 1
    assert "Switch unavailable" in orphan.status_reason


def test_it_fails_a_run_after_its_last_rescue_with_the_reason(orphan):
    DialRun.objects.filter(pk=orphan.pk).update(rescues=MAX_RESCUES)
    assert dial_runs_rescue(now=timezone.now() + LATER) == 1
    orphan.refresh_from_db()
    assert orphan.status == DialRun.Status.FAILED and orphan.finished_at is not None
    assert "no worker drove this run" in orphan.status_reason


def test_it_leaves_a_run_that_is_being_driven_or_is_young(orphan, office):
    DialRun.objects.filter(pk=orphan.pk).update(driven_at=timezone.now() + LATER - dt.timedelta(seconds=5))
    young = DialRun.objects.create(office=office)
    assert dial_runs_rescue(now=timezone.now() + LATER - dt.timedelta(minutes=2)) == 0
    assert set(DialRun.objects.values_list("status", flat=True)) == {DialRun.Status.RUNNING}
    assert young.rescues == 0


def test_a_late_duplicate_task_leaves_a_run_another_task_drives(office):
    now = timezone.now()
    handed_then_driven = DialRun(office=office, handed_at=now - dt.timedelta(seconds=3), driven_at=now)
    assert dial_run_driven_elsewhere(run=handed_then_driven, now=now)
    next_slice = DialRun(office=office, driven_at=now - dt.timedelta(seconds=1), handed_at=now)
    assert not dial_run_driven_elsewhere(run=next_slice, now=now)  # the driver's own hand-over to its next slice
    first = DialRun(office=office, handed_at=now)
    assert not dial_run_driven_elsewhere(run=first, now=now)
