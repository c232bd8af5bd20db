"""The sockets side of bench/live_sockets.py: staff members' browsers on the Queue page, as asyncio
`websockets` clients with real session cookies, and what they heard — each fragment's delay from the switch
event it reflects (its `data-event-at`) and whether it named another office's call, number or run.

Office k's customers are +1202 7kk nnnn, so a number alone says whose call it is.
"""

from __future__ import annotations

import asyncio
import collections
import re
import time

EVENT_AT = re.compile(r'data-event-at="(\d+)"')
CALL_ROW = re.compile(r'id="call-([0-9a-f-]{36})"')
RUN = re.compile(r"<strong>Run (\d+)</strong>")
NUMBER = re.compile(r"<td>(\+\d{11})</td>")


def number(office: int, n: int) -> str:
    """Office k's customers are +1202 7kk nnnn: the number alone says whose call it is."""
    return f"+1202{700 + office:03d}{n:04d}"


def office_of_number(phone: str) -> int:
    return int(phone[5:8]) - 700


class Tally:
    """What the sockets heard. A fragment is parsed once however many sockets get it."""

    def __init__(self) -> None:
        self.parsed: dict[str, int] = {}
        self.fragments: list[tuple[int | None, frozenset, frozenset, frozenset]] = []  # event µs, calls, runs, numbers
        self.deliveries: collections.Counter = collections.Counter()  # (socket's office, fragment index)
        self.first: dict[int, float] = {}  # fragment index: when the first socket got it, and the last
        self.last: dict[int, float] = {}
        self.delays: list[float] = []
        self.connected = self.refused = self.dropped = 0

    def heard(self, office: int, html: str, at: float) -> None:
        index = self.parsed.get(html)
        if index is None:
            found = EVENT_AT.search(html)
            self.fragments.append(
                (
                    int(found[1]) if found else None,
                    frozenset(CALL_ROW.findall(html)),
                    frozenset(int(run) for run in RUN.findall(html)),
                    frozenset(NUMBER.findall(html)),
                )
            )
            index = self.parsed[html] = len(self.fragments) - 1
        self.deliveries[office, index] += 1
        self.first.setdefault(index, at)
        self.last[index] = at
        event_us = self.fragments[index][0]
        if event_us is not None:
            self.delays.append((at - event_us / 1e6) * 1000)

    def stages(self) -> tuple[list[float], list[float]]:
        """Where a delivery's delay goes, per fragment: switch event → its first socket (listener, publisher,
        Redis, daphne's first send) and first → last socket (daphne's fan-out to the office's sockets), ms."""
        to_first, spread = [], []
        for index, (event_us, *_) in enumerate(self.fragments):
            if event_us is not None:
                to_first.append((self.first[index] - event_us / 1e6) * 1000)
                spread.append((self.last[index] - self.first[index]) * 1000)
        return sorted(to_first), sorted(spread)

    def wrong_office(
        self, run_office: dict[int, int], call_office: dict[str, int], block_office: list[int]
    ) -> tuple[int, int]:
        """(deliveries naming another office's call, number or run; deliveries naming nothing to check).
        `block_office[k]`: the office whose customers have the k-th number block."""
        wrong = blank = 0
        for (office, index), count in self.deliveries.items():
            _, calls, runs, numbers = self.fragments[index]
            owners = {call_office.get(uuid, -1) for uuid in calls} | {run_office.get(run, -1) for run in runs}
            owners |= {block_office[office_of_number(phone)] for phone in numbers}
            if not owners:
                blank += count
            elif owners != {office}:
                wrong += count
        return wrong, blank


async def listen(url: str, origin: str, office: int, cookie: str, tally: Tally, opened: asyncio.Semaphore, stop):
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    async with opened:
        try:
            socket = await connect(
                url,
                additional_headers={"Cookie": cookie, "Origin": origin},
                ping_interval=None,  # a browser does not ping; daphne's own pings are answered
                compression=None,
                open_timeout=30,
                max_size=2**22,
            )
        except (InvalidStatus, OSError, TimeoutError):
            tally.refused += 1
            return
    tally.connected += 1
    try:
        while True:
            html = await socket.recv()
            tally.heard(office, html, time.time())
    except ConnectionClosed:
        if not stop.is_set():
            tally.dropped += 1
    except asyncio.CancelledError:
        await socket.close()
        raise


async def open_sockets(port: int, made: list[dict], tally: Tally, stop: asyncio.Event) -> list[asyncio.Task]:
    opened = asyncio.Semaphore(20)  # handshakes in flight at once
    url, origin = f"ws://127.0.0.1:{port}/ws/live/", f"http://127.0.0.1:{port}"
    tasks = [
        asyncio.create_task(listen(url, origin, office["office"], cookie, tally, opened, stop))
        for office in made
        for cookie in office["cookies"]
    ]
    while tally.connected + tally.refused < len(tasks):
        await asyncio.sleep(0.1)
    return tasks
