"""Every value we put on an Event Socket line, made safe for it: the one place that cleans what a command
carries (names, numbers, urls, fork metadata) whatever the database holds, and the last check before a
command is written to the switch.

A command ends at a blank line ("\\n\\n"), so a newline inside a value could end ours and start another
(an office named "Demo Ltd\\n\\nbgapi originate …" once made the switch dial a second number). Control
characters are therefore removed from every value, and `command_checked` refuses any command whose text
still holds one outside its header lines.

How FreeSWITCH reads what is left (src/switch_utils.c, src/switch_event.c, mod_commands.c): the api's
arguments are split on blanks (`switch_separate_string(…, ' ', …)`: single quotes group, "\\" escapes, and
`cleanup_separated_string` removes quotes and turns \\' \\" \\\\ \\s \\n \\r \\t into their characters); then
originate's {…} block ends at the first "}" (`switch_find_end_paren`, blind to quotes and escapes), is split
on commas and each part on its first "=" — the same cleanup once for each split. A value therefore passes
three readings; it is escaped for each of them, innermost first, with backslashes only (quotes would be
read differently by each pass), and a brace in it is written as a parenthesis.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and Unicode's own line and paragraph separators
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: [^\r\n]*$")


class UnsafeCommandError(ValueError):
    """A command that could be read as more than one command by the switch: never sent."""


def control_characters_removed(value: object) -> str:
    """`value` as text with every run of control characters (newlines, tabs, NULs …) made one space."""
    return _CONTROL.sub(" ", str(value)).strip()


def _escaped(text: str, specials: str) -> str:
    """Backslash before every backslash, quote and each of `specials`; spaces as \\s (kept by every pass)."""
    out = []
    for char in text:
        if char == " ":
            out.append("\\s")
        elif char in "\\'\"" or char in specials:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def command_argument(value: object) -> str:
    """One blank-separated argument of an api command (a uuid, a number, a url, fork metadata)."""
    return _escaped(control_characters_removed(value), "")


def channel_variable(name: str, value: object) -> str:
    """`name=value` for originate's {…} block, so that the channel gets exactly `value` (cleaned)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise UnsafeCommandError(f"not a channel variable name: {name!r}")
    text = control_characters_removed(value).replace("{", "(").replace("}", ")")
    after_equals = _escaped(text, "")  # read third: the part after the first "="
    after_commas = _escaped(f"{name}={after_equals}", ",")  # read second: the split on commas
    return after_commas.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')  # read first: blanks


def channel_variables(variables: dict[str, object]) -> str:
    """The whole {a=1,b=2} block."""
    return "{" + ",".join(channel_variable(name, value) for name, value in variables.items()) + "}"


def command_checked(text: str) -> str:
    """`text` if the switch can read it as one command: one line, then only `Name: value` header lines
    (greenswitch adds the blank line that ends it). Anything else raises UnsafeCommandError."""
    first, *headers = text.split("\n")
    if not first.strip() or _CONTROL.search(first):
        raise UnsafeCommandError(f"not one command line: {text[:80]!r}")
    for line in headers:
        if not _HEADER_LINE.match(line) or _CONTROL.search(line):
            raise UnsafeCommandError(f"not a header line in a command: {line[:80]!r}")
    return text
