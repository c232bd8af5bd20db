"""Phonify's side of the Event Socket wire: bytes exactly as FreeSWITCH's mod_event_socket writes them.

Written apart from our telephony client on purpose (DESIGN.md): only the protocol notes are shared.
Every line end is a bare "\\n"; events put Content-Length before Content-Type; values are URL-encoded
like switch_url_encode_opt (uppercase hex, an existing "%XX" with uppercase hex left alone).
"""

from __future__ import annotations

import asyncio
import re

UNSAFE = set('\r\n #%&+:;<=>?@[\\]^`{|}"')
_ENCODED = re.compile(rb"%[0-9A-F]{2}")
DISCONNECT_TEXT = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"


def url_encode(value: str) -> str:
    raw = value.encode("utf-8")
    out: list[str] = []
    index = 0
    while index < len(raw):
        byte = raw[index]
        if byte == 0x25 and _ENCODED.match(raw, index):  # "%2B" stays as it is; "%2b" is re-encoded
            out.append(raw[index : index + 3].decode("ascii"))
            index += 3
            continue
        if byte < 0x20 or byte > 0x7E or chr(byte) in UNSAFE:
            out.append(f"%{byte:02X}")
        else:
            out.append(chr(byte))
        index += 1
    return "".join(out)


def serialize_event(headers: list[tuple[str, str]], body: str = "") -> bytes:
    """switch_event_serialize: one 'Name: value' line per header, then the body or a blank line."""
    lines = [f"{name}: {url_encode(value) if value != '' else '_undef_'}\n" for name, value in headers]
    text = "".join(lines)
    if body:
        encoded_body = body.encode("utf-8")
        return text.encode("ascii") + f"Content-Length: {len(encoded_body)}\n\n".encode("ascii") + encoded_body
    return (text + "\n").encode("ascii")


def event_frame(serialized: bytes) -> bytes:
    return f"Content-Length: {len(serialized)}\nContent-Type: text/event-plain\n\n".encode("ascii") + serialized


def auth_request() -> bytes:
    return b"Content-Type: auth/request\n\n"


def command_reply(text: str, extra: list[tuple[str, str]] | None = None) -> bytes:
    lines = f"Content-Type: command/reply\nReply-Text: {text}\n"
    for name, value in extra or []:
        lines += f"{name}: {value}\n"
    return (lines + "\n").encode("utf-8")


def api_response(body: str) -> bytes:
    data = body.encode("utf-8")
    return f"Content-Type: api/response\nContent-Length: {len(data)}\n\n".encode("ascii") + data


def disconnect_notice() -> bytes:
    data = DISCONNECT_TEXT.encode("ascii")
    return f"Content-Type: text/disconnect-notice\nContent-Length: {len(data)}\n\n".encode("ascii") + data


class Packet:
    """One client command: its first line, its headers, and a body when Content-Length says so."""

    def __init__(self, command: str, headers: dict[str, str], body: str = "") -> None:
        self.command, self.headers, self.body = command, headers, body

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


async def read_packet(reader: asyncio.StreamReader) -> Packet | None:
    """Read one packet: leading CR/LF skipped, ends at a blank line ("\\r" ignored), optional body."""
    lines: list[str] = []
    while True:
        raw = await reader.readline()
        if not raw:
            return None
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if not line.strip("\r"):
            if lines:
                break
            continue  # CR/LF before a packet
        lines.append(line.rstrip("\r"))
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.lstrip()
    packet = Packet(lines[0].strip(), headers)
    length = packet.header("Content-Length")
    if length and length.isdigit() and int(length) > 0:
        packet.body = (await reader.readexactly(int(length))).decode("utf-8", errors="replace")
    return packet
