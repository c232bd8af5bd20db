"""deploy/freeswitch: the configuration a real switch needs, checked as XML and against what the
product sends it (the Event Socket, the gateway name in dial strings, beep detection, the audio fork)."""

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from calls.call_events import CUSTOM_EVENTS

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "freeswitch"
FILES = sorted(CONFIG.rglob("*.xml"))


def parsed(relative: str) -> ElementTree.Element:
    return ElementTree.parse(CONFIG / relative).getroot()


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(CONFIG)))
def test_every_file_is_well_formed_xml(path):
    ElementTree.parse(path)


def test_every_include_points_at_files_that_exist():
    for path in FILES:
        for include in re.findall(r'cmd="include" data="([^"]+)"', path.read_text()):
            pattern = (path.parent / include).resolve()
            assert list(pattern.parent.glob(pattern.name)), f"{path.name} includes {include}: nothing there"


def test_the_event_socket_listens_on_8021_with_the_password_from_the_environment():
    params = {p.get("name"): p.get("value") for p in parsed("autoload_configs/event_socket.conf.xml").iter("param")}
    assert params["listen-port"] == "8021" and params["password"] == "$${esl_password}"
    assert 'data="esl_password=printenv FREESWITCH_ESL_PASSWORD"' in (CONFIG / "vars.xml").read_text()


def test_the_gateway_is_the_one_our_dial_strings_name(settings):
    gateway = parsed("sip_profiles/external/trunk.xml").find("gateway")
    assert gateway.get("name") == settings.FREESWITCH_GATEWAY == "trunk"
    params = {p.get("name"): p.get("value") for p in gateway.iter("param")}
    assert params["proxy"] == "$${trunk_proxy}" and params["password"] == "$${trunk_password}"
    assert "ClueCon" not in "".join(path.read_text() for path in FILES)  # no secret in the files


def test_it_loads_the_modules_the_product_uses():
    modules = {load.get("module") for load in parsed("autoload_configs/modules.conf.xml").iter("load")}
    assert {"mod_event_socket", "mod_sofia", "mod_commands", "mod_dptools", "mod_avmd", "mod_audio_fork"} <= modules
    assert "avmd::beep" in CUSTOM_EVENTS  # what mod_avmd reports, as the listener subscribes to it
    avmd = {p.get("name"): p.get("value") for p in parsed("autoload_configs/avmd.conf.xml").iter("param")}
    assert avmd["outbound_channel"] == "1" and avmd["report_status"] == "1"


def test_every_variable_the_switch_reads_is_passed_by_compose():
    import yaml

    compose = yaml.safe_load((CONFIG.parents[1] / "compose.yaml").read_text())
    passed = set(compose["services"]["freeswitch"]["environment"])
    read = set(re.findall(r"printenv ([A-Z_]+)", (CONFIG / "vars.xml").read_text()))
    assert read and read <= passed
