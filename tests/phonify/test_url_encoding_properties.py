"""Properties of Phonify's value encoding, which every event header goes through."""

import re
from urllib.parse import unquote

from hypothesis import given
from hypothesis import strategies as st

from phonify.wire import url_encode

SAFE_OUTPUT = re.compile(r"^(?:[A-Za-z0-9\-_.~!$'()*,/]|%[0-9A-F]{2})*$")
ALREADY_ENCODED = re.compile(r"%[0-9A-F]{2}")


@given(st.text())
def test_it_writes_only_safe_characters_and_uppercase_escapes(value):
    assert SAFE_OUTPUT.match(url_encode(value))


@given(st.text().filter(lambda value: not ALREADY_ENCODED.search(value)))
def test_it_decodes_back_to_the_value(value):
    assert unquote(url_encode(value)) == value  # what greenswitch's reader does


@given(st.text())
def test_it_never_encodes_twice(value):
    once = url_encode(value)
    assert url_encode(once) == once


@given(st.text(alphabet="\r\n :@+=&%{}", max_size=20))
def test_it_keeps_every_line_on_one_line(value):
    assert "\n" not in url_encode(value) and "\r" not in url_encode(value)
