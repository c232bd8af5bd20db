"""Files that must stay truthful: compose.yaml parses and names the services; .env.example lists every variable."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_it_keeps_compose_valid_with_the_production_services():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker"} <= set(services)
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
        assert {"postgres", "redis"} <= set(services[name]["depends_on"])
    assert "daphne" in " ".join(services["web"]["command"])
    assert "qcluster" in " ".join(services["worker"]["command"])
    assert "telephony_events" in " ".join(services["telephony"]["command"])
    assert "phonify" in " ".join(services["phonify"]["command"])
    agent = services["agent"]["command"]  # the AI voice, where the listener forks answered calls
    assert agent[:3] == ["python", "manage.py", "agent"] and "0.0.0.0" in agent
    port = agent[agent.index("--port") + 1]
    assert services["telephony"]["environment"]["AGENT_URL"].endswith(f"agent:{port}/}}")  # ${AGENT_URL:-…}
    assert services["freeswitch"]["profiles"] == ["freeswitch"]  # real calls only when asked for
    assert services["freeswitch"]["volumes"] == ["./deploy/freeswitch:/etc/issetter-freeswitch:ro"]


def test_it_documents_every_environment_variable_in_env_example():
    code = (ROOT / "issetter" / "settings.py").read_text() + (ROOT / "issetter" / "config.py").read_text()
    read = set(re.findall(r'env\.(?:str|bool|int|float|list|choice)\(\s*"([A-Z0-9_]+)"', code))
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "no variables found: has settings.py stopped using Env?"
    assert read - documented == set(), "add these to .env.example with a comment"
