"""Reading an `originate` command line the way mod_commands does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class OriginateUsageError(ValueError):
    pass


def split_blank(text: str) -> list[str]:
    """switch_separate_string on spaces: single quotes group words and are removed, "\\" escapes."""
    words, current, quoted, escaped, started = [], [], False, False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
            started = True
        elif char == "'":
            quoted = not quoted
            started = True
        elif char == " " and not quoted:
            if started:
                words.append("".join(current))
                current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        words.append("".join(current))
    return words


def split_variables(text: str) -> dict[str, str]:
    """The {a=1,b='x, y',c=p\\,q} prefix: commas separate, single quotes and "\\," protect commas."""
    variables: dict[str, str] = {}
    parts, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "'":
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    for part in parts:
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
