"""Reading an `originate` command line the way mod_commands does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class OriginateUsageError(ValueError):
    pass


_UNESCAPED = {"n": "\n", "r": "\r", "t": "\t", "s": " "}


def _cleanup(text: str, delim: str) -> str:
    """cleanup_separated_string: leading spaces skipped, trailing unquoted spaces dropped, a single quote
    with another after it opens or closes a quoted part (and is removed), and "\\" before ' " \\ the
    delimiter n r t s stands for that character (n r t: the control character, s: a space)."""
    index = 0
    while index < len(text) and text[index] == " ":
        index += 1
    out: list[str] = []
    end: int | None = None
    quoted = False
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following and (following in "'\"\\" or following == delim or following in _UNESCAPED):
            out.append(_UNESCAPED.get(following, following) if following != delim else following)
            end = len(out)
            index += 2
            continue
        if char == "'" and (quoted or "'" in text[index + 1 :]):
            quoted = not quoted
            if quoted:
                end = len(out)
        else:
            out.append(char)
            if char != " " or quoted:
                end = len(out)
        index += 1
    return "".join(out if end is None else out[:end])


def _separate(text: str, delim: str, limit: int) -> list[str]:
    """separate_string_char_delim: split on `delim` outside quoted parts (a quote counts only when another
    follows), "\\" hides the next character; the last of `limit` parts keeps the rest; each part cleaned."""
    starts: list[int] = []
    ends: list[int] = []
    index, quoted, finding = 0, False, False
    while index < len(text) and len(starts) < limit:
        if not finding:
            starts.append(index)
            finding = True
            continue
        char = text[index]
        if char == "\\":
            index += 1
        elif char == "'" and (quoted or "'" in text[index + 1 :]):
            quoted = not quoted
        elif char == delim and not quoted:
            ends.append(index)
            finding = False
        index += 1
    ends += [len(text)] * (len(starts) - len(ends))
    return [_cleanup(text[start:end], delim) for start, end in zip(starts, ends, strict=True)]


def split_blank(text: str, limit: int = 1024) -> list[str]:
    """separate_string_blank_delim: words split on spaces outside single quotes (every quote counts here),
    "\\" hides the next character; the last of `limit` words keeps the rest; each word cleaned."""
    starts: list[int] = []
    ends: list[int] = []
    index, quoted, state = 0, False, "start"
    while index < len(text) and len(starts) < limit:
        char = text[index]
        if state == "start":
            starts.append(index)
            state = "leading"
        elif state == "leading":
            if char == " ":
                index += 1
            else:
                state = "word"
        elif state == "word":
            if char == "\\":
                index += 1
            elif char == "'":
                quoted = not quoted
            elif char == " " and not quoted:
                ends.append(index)
                state = "trailing"
            index += 1
        elif char == " ":
            index += 1
        else:
            state = "start"
    ends += [len(text)] * (len(starts) - len(ends))
    return [_cleanup(text[start:end], "") for start, end in zip(starts, ends, strict=True)]


def split_variables(text: str) -> dict[str, str]:
    """switch_event_create_brackets: the block split on commas, each part on its first "=" (both cleaned)."""
    variables: dict[str, str] = {}
    for part in _separate(text, ",", 1024):
        pair = _separate(part, "=", 2)
        if len(pair) == 2:
            variables[pair[0]] = pair[1]
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
    """switch_find_end_paren: the "}" (or "]") closing the block that opens `text`; quotes and escapes are
    not looked at, only nesting."""
    opening, closing = text[0], "}" if text[0] == "{" else "]"
    depth = 0
    for index, char in enumerate(text):
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if not depth:
                return index
    raise OriginateUsageError("-ERR INVALID_URL\n")


def parse_originate(arguments: str) -> OriginateRequest:
    """originate_function: the arguments split into words first (at most 10), then the call url's {…}
    and […] blocks read off its front (switch_ivr_originate)."""
    words = split_blank(arguments.strip(), limit=10)
    if not 2 <= len(words) <= 7:
        raise OriginateUsageError(
            "-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] "
            "[<cid_name>] [<cid_num>] [<timeout_sec>]\n"
        )
    url, target = words[0], words[1]
    variables: dict[str, str] = {}
    while url.startswith(("{", "[")):  # {…} for every leg, […] for one
        end = _block_end(url)
        variables.update(split_variables(url[1:end]))
        url = url[end + 1 :].lstrip(" ")
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
