"""`manage.py agent`: what a person running it sees."""

import signal

from tests.servers import start, wait_for_line


def test_it_prints_its_info_lines_under_the_project_logging(tmp_path):
    log = tmp_path / "agent.log"
    process = start(["manage.py", "agent", "--port", "0"], log)
    try:
        wait_for_line(log, "Agent: listening on port", process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
    assert " INFO agent.server: agent: listening on ws://127.0.0.1:" in log.read_text()
