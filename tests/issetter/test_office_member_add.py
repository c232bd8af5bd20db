import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client


def add_member(*args) -> str:
    out = StringIO()
    call_command("office_member_add", *args, stdout=out)
    return out.getvalue()


def test_it_invites_a_person_who_can_then_sign_in(office):
    output = add_member("--office", "north", "--email", "Dana@North.example")
    password = re.search(r"Temporary password: (\S+)", output).group(1)
    client = Client()
    assert client.login(username="dana@north.example", password=password)
    assert "North Insurance" in client.get("/").text


def test_it_promotes_an_existing_member_without_touching_the_password(office, colleague):
    from tests.conftest import PASSWORD

    output = add_member("--office", "north", "--email", "bob@north.example", "--role", "supervisor")
    assert "password is unchanged" in output
    colleague.refresh_from_db()
    assert colleague.is_staff and colleague.membership.is_supervisor
    assert colleague.check_password(PASSWORD)


def test_it_refuses_a_member_of_another_office(office, outsider):
    with pytest.raises(CommandError, match="already belongs to another office"):
        add_member("--office", "north", "--email", "charlie@south.example")


def test_it_names_an_unknown_office(db):
    with pytest.raises(CommandError, match="no office with slug 'nowhere'"):
        add_member("--office", "nowhere", "--email", "x@example.com")
