"""`--now` of `agent`, `simulate` and `dial`: one parser, an ISO-8601 moment with its UTC offset."""

import datetime as dt

import pytest
from django.core.management import CommandError, get_commands, load_command_class

COMMANDS = ["agent", "simulate", "dial"]
REQUIRED = {"simulate": ["people.yaml"], "dial": ["--office", "main"]}


def parse(command: str, now: str):
    parser = load_command_class(get_commands()[command], command).create_parser("manage.py", command)
    return parser.parse_args([*REQUIRED.get(command, []), "--now", now])


@pytest.mark.parametrize("command", COMMANDS)
def test_it_takes_an_iso_time_with_an_offset(command):
    options = parse(command, "2026-11-24T09:30:00-05:00")
    assert options.now == dt.datetime(2026, 11, 24, 14, 30, tzinfo=dt.UTC)
    assert options.now.utcoffset() == dt.timedelta(hours=-5)


@pytest.mark.parametrize("command", COMMANDS)
def test_it_refuses_a_time_without_an_offset_and_says_to_add_one(command):
    with pytest.raises(CommandError) as refused:
        parse(command, "2026-11-24T09:30:00")
    assert "argument --now: '2026-11-24T09:30:00' has no UTC offset: add one, e.g. " in str(refused.value)


@pytest.mark.parametrize("command", COMMANDS)
def test_it_refuses_what_is_not_a_time(command):
    with pytest.raises(CommandError) as refused:
        parse(command, "tomorrow")
    assert "argument --now: 'tomorrow' is not an ISO-8601 time" in str(refused.value)
