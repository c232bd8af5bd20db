"""One Event Socket client connection: authentication, subscriptions, filters, and replies in order."""

from __future__ import annotations

import asyncio
import re
import uuid as uuidlib
from typing import TYPE_CHECKING

from phonify import wire

if TYPE_CHECKING:
    from phonify.switch_side import EslSwitch


class Connection:
    def __init__(self, switch: EslSwitch, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.switch, self.reader, self.writer = switch, reader, writer
        self.authed = False
        self.events: set[str] = set()
        self.subclasses: set[str] = set()
        self.all_events = False
        self.filters: list[tuple[str, str]] = []
        self.closed = False

    async def serve(self) -> None:
        self.write(wire.auth_request())
        try:
            while not self.closed:
                packet = await wire.read_packet(self.reader)
                if packet is None:
                    break
                await self.handle(packet)
                await self.writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.close()

    def write(self, data: bytes) -> None:
        if not self.closed:
            self.writer.write(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.switch.connections.discard(self)
            self.writer.close()

    async def hang_up_politely(self) -> None:
        self.write(wire.disconnect_notice())
        await self.writer.drain()
        self.close()

    async def handle(self, packet: wire.Packet) -> None:
        word, _, rest = packet.command.partition(" ")
        word = word.lower()
        if word in ("exit", "..."):
            self.write(wire.command_reply("+OK bye"))
            await self.hang_up_politely()
        elif word == "auth":
            if rest.strip() == self.switch.password:
                self.authed = True
                self.write(wire.command_reply("+OK accepted"))
            else:
                self.write(wire.command_reply("-ERR invalid"))
                await self.hang_up_politely()
        elif not self.authed:
            self.write(wire.command_reply("-ERR command not found"))
        elif word == "event":
            self.subscribe(rest.split())
        elif word == "nixevent":
            self.unsubscribe(rest.split())
        elif word == "noevents":
            listening = self.all_events or self.events or self.subclasses
            self.events, self.subclasses, self.all_events = set(), set(), False
            self.write(
                wire.command_reply(
                    "+OK no longer listening for events" if listening else "-ERR not listening for events"
                )
            )
        elif word == "filter":
            self.filter(rest)
        elif word == "api":
            self.write(wire.api_response(await self.switch.api(rest)))
        elif word == "bgapi":
            job = packet.header("Job-UUID") or str(uuidlib.uuid4())
            self.write(wire.command_reply(f"+OK Job-UUID: {job}", [("Job-UUID", job)]))
            self.switch.background(rest, job)
        elif word == "sendmsg":
            self.write(wire.command_reply(self.switch.sendmsg(rest.strip(), packet)))
        else:
            self.write(wire.command_reply("-ERR command not found"))

    def subscribe(self, words: list[str]) -> None:
        if words and words[0].lower() in ("plain", "json", "xml"):
            words = words[1:]
        known = False
        custom = False
        for word in words:
            if custom and word.upper() not in KNOWN_EVENTS:
                self.subclasses.add(word)
                known = True
            elif word.upper() == "ALL":
                self.all_events = known = True
            elif word.upper() == "CUSTOM":
                custom = True
            elif word.upper() in KNOWN_EVENTS:
                self.events.add(word.upper())
                known = True
        self.write(wire.command_reply("+OK event listener enabled plain" if known else "-ERR no keywords supplied"))

    def unsubscribe(self, words: list[str]) -> None:
        if not words:
            self.write(wire.command_reply("-ERR no keywords supplied"))
            return
        for word in words:
            if word.upper() == "ALL":
                self.all_events = False
                self.events.clear()
            self.events.discard(word.upper())
            self.subclasses.discard(word)
        self.write(wire.command_reply("+OK events nixed"))

    def filter(self, rest: str) -> None:
        words = rest.split(None, 1)
        if words and words[0].lower() == "delete":
            target = words[1].split(None, 1) if len(words) > 1 else []
            if target and target[0].lower() == "all":
                self.filters.clear()
                name, value = "all", ""
            else:
                name = target[0] if target else ""
                value = target[1] if len(target) > 1 else ""
                self.filters = [
                    f for f in self.filters if not (f[0].lower() == name.lower() and (not value or f[1] == value))
                ]
            self.write(wire.command_reply(f"+OK filter deleted. [{name}][{value}]"))
            return
        if len(words) < 2:
            self.write(wire.command_reply("-ERR invalid syntax"))
            return
        self.filters.append((words[0], words[1]))
        self.write(wire.command_reply(f"+OK filter added. [{words[0]}]=[{words[1]}]"))

    def wants(self, name: str, subclass: str, headers: list[tuple[str, str]]) -> bool:
        if name == "CUSTOM":
            subscribed = self.all_events or subclass in self.subclasses
        else:
            subscribed = self.all_events or name in self.events
        if not subscribed:
            return False
        if not self.filters:
            return True
        values = {key.lower(): value for key, value in headers}
        passed = False
        for header, wanted in self.filters:
            exclude = wanted.startswith("-")
            pattern = wanted[1:] if exclude else wanted
            have = values.get(header.lower())
            if have is None:
                continue
            hit = re.search(pattern[1:], have) if pattern.startswith("/") else have.lower() == pattern.lower()
            if hit and exclude:
                return False
            if hit and not exclude:
                passed = True
        return passed


KNOWN_EVENTS = {
    "CHANNEL_CREATE",
    "CHANNEL_DESTROY",
    "CHANNEL_STATE",
    "CHANNEL_CALLSTATE",
    "CHANNEL_ANSWER",
    "CHANNEL_HANGUP",
    "CHANNEL_HANGUP_COMPLETE",
    "CHANNEL_EXECUTE",
    "CHANNEL_EXECUTE_COMPLETE",
    "CHANNEL_OUTGOING",
    "CHANNEL_PARK",
    "CHANNEL_UNPARK",
    "CHANNEL_PROGRESS",
    "CHANNEL_PROGRESS_MEDIA",
    "CHANNEL_ORIGINATE",
    "CHANNEL_UUID",
    "BACKGROUND_JOB",
    "HEARTBEAT",
    "API",
    "DTMF",
    "PLAYBACK_START",
    "PLAYBACK_STOP",
    "CUSTOM",
    "ALL",
    "RECORD_START",
    "RECORD_STOP",
    "TALK",
    "NOTALK",
}
