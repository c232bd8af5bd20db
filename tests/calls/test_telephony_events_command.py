"""`manage.py telephony_events`: what a person running it sees."""

import signal

from phonify.personas import Persona
from tests.calls.dialing_helpers import start_switch
from tests.servers import start, wait_for_line


def test_it_prints_its_info_lines_under_the_project_logging(db, tmp_path):
    runner = start_switch([Persona(name="Ann", number="+15555550100")])
    log = tmp_path / "listener.log"
    env = {"FREESWITCH_ESL_PORT": str(runner.switch.port), "AGENT_URL": ""}
    process = start(["manage.py", "telephony_events"], log, env)
    try:
        wait_for_line(log, "connected (connection 1)", process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        runner.stop()
    assert " INFO calls.telephony.listener: telephony events: connected (connection 1)" in log.read_text()
