"""Reading an `originate` command line the way mod_commands does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class OriginateUsageError(ValueError):
    pass


def _split(text: str, separator: str) -> list[tuple[str, bool]]:
    """Split on `separator` outside single quotes; quotes are removed and "\\" escapes the next character.
    Each part comes with whether anything (even an empty quoted string) was written for it."""
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    quoted = escaped = started = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = started = True
        elif char == "'":
            quoted, started = not quoted, True
        elif char == separator and not quoted:
            parts.append(("".join(current), started))
            current, started = [], False
        else:
            current.append(char)
            started = True
    parts.append(("".join(current), started))
    return parts


def split_blank(text: str) -> list[str]:
    """switch_separate_string on spaces: single quotes group words and are removed, "\\" escapes."""
    return [word for word, started in _split(text, " ") if started]


def split_variables(text: str) -> dict[str, str]:
    """The {a=1,b='x, y',c=p\\,q} prefix: commas separate, single quotes and "\\," protect commas."""
    variables: dict[str, str] = {}
    for part, _ in _split(text, ","):
        name, sep, value = part.partition("=")
        if sep and name.strip():
            variables[name.strip()] = value
    return variables


@dataclass
class OriginateRequest:
    variables: dict[str, str]
    dial_string: str
    number: str
    gateway: str = ""
    profile: str = ""
    application: str = "park"
    application_args: str = ""
    extension: str = ""
    extra: list[str] = field(default_factory=list)


_DIAL = re.compile(
    r"^sofia/gateway/(?P<gateway>[^/]+)/(?P<number>.+)$|^sofia/(?P<profile>[^/]+)/(?P<user>[^@]+)(@.*)?$"
)
_APP = re.compile(r"^&(?P<name>[\w-]+)(\((?P<args>.*)\))?$")


def _block_end(text: str) -> int:
    """Index of the "}" or "]" closing the block that opens `text`, skipping quoted parts and escapes."""
    closing = "}" if text[0] == "{" else "]"
    quoted = escaped = False
    for index, char in enumerate(text[1:], start=1):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "'":
            quoted = not quoted
        elif char == closing and not quoted:
            return index
    raise OriginateUsageError("-ERR INVALID_URL\n")


def parse_originate(arguments: str) -> OriginateRequest:
    text = arguments.strip()
    variables: dict[str, str] = {}
    while text.startswith(("{", "[")):  # {…} for every leg, […] for one: read before splitting words
        end = _block_end(text)
        variables.update(split_variables(text[1:end]))
        text = text[end + 1 :]
    words = split_blank(text)
    if not 2 <= len(words) <= 7:
        raise OriginateUsageError(
            "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
            "[<cid_name>] [<cid_num>] [<timeout_sec>]\n"
        )
    url, target = words[0], words[1]
    match = _DIAL.match(url)
    if not match:
        raise OriginateUsageError("-ERR CHAN_NOT_IMPLEMENTED\n")
    request = OriginateRequest(
        variables=variables,
        dial_string=url,
        number=match.group("number") or match.group("user"),
        gateway=match.group("gateway") or "",
        profile=match.group("profile") or "",
        extra=words[2:],
    )
    app = _APP.match(target)
    if app:
        request.application, request.application_args = app.group("name"), app.group("args") or ""
    else:
        request.application, request.extension = "", target
    return request
