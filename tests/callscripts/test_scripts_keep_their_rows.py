"""Scripts moved from the agent app into their own (callscripts) without a copy: a database made before the
move keeps every script, and every call and dial run still names its own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = {"agent": "0004_script_voice_name", "calls": "0006_dial_run_watch", "callscripts": None}


def migrate(moved: dict):
    """Every app at its newest migration but those in `moved`, which go to the one named (None: none at all)."""
    executor = MigrationExecutor(connection)
    leaves = {app: name for app, name in executor.loader.graph.leaf_nodes()}
    targets = [(app, moved.get(app, name)) for app, name in leaves.items()]
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_an_office_keeps_its_scripts_and_its_calls_keep_their_script_across_the_move():
    old = migrate(BEFORE)
    office = old.get_model("issetter", "Office").objects.create(
        slug="moved", name="Moved", time_zone="America/New_York"
    )
    script = old.get_model("agent", "Script").objects.create(
        office=office, name="Spring reviews", greeting="Hi, an automated assistant for {office_name}.", is_default=True
    )
    customer = old.get_model("customers", "Customer").objects.create(
        office=office, first_name="Maria", phone="+12025550143"
    )
    run = old.get_model("calls", "DialRun").objects.create(office=office, script=script)
    call = old.get_model("calls", "Call").objects.create(office=office, customer=customer, script=script, dial_run=run)

    new = migrate({})
    moved = new.get_model("callscripts", "Script").objects.get(pk=script.pk)
    assert (moved.name, moved.is_default, moved.office_id) == ("Spring reviews", True, office.pk)
    assert new.get_model("calls", "Call").objects.get(pk=call.pk).script_id == script.pk
    assert new.get_model("calls", "DialRun").objects.get(pk=run.pk).script_id == script.pk
    with pytest.raises(LookupError):
        new.get_model("agent", "Script")  # one owner
