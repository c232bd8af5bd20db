"""Many simultaneous Phonify calls, each streaming 20 ms L16 frames over its audio fork in real time.

    .venv/bin/python bench/phonify_calls.py [--calls 200] [--seconds 10] [--rate 16k]

Phonify runs in this process (as under `make run`); a minimal audio-fork server that only reads runs in a
second process. Reports how late frames left against their 20 ms schedule (p50/p95/p99/max) and whether
every call sent the frames its duration calls for.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sink(port_queue) -> None:
    """The agent stand-in: accept forks and read everything."""
    from websockets.asyncio.server import serve

    async def handler(socket):
        async for _ in socket:
            pass

    async def main():
        server = await serve(handler, "127.0.0.1", 0, subprotocols=["audio.drachtio.org"], max_queue=None)
        port_queue.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


async def run(calls: int, seconds: float, rate: str, port: int) -> None:
    from phonify.personas import Persona
    from phonify.switch import Switch

    numbers = [f"+1202{7000000 + n:07d}" for n in range(calls)]
    personas = {n: Persona(name=f"p{i}", number=n, rings=0, hangup_after=seconds + 30) for i, n in enumerate(numbers)}
    switch = Switch(port=0, personas=personas, time_scale=1.0)
    await switch.start()
    ids = [str(uuid.uuid4()) for _ in numbers]
    replies = await asyncio.gather(
        *(
            switch.api(f"originate {{origination_uuid={i}}}sofia/gateway/gw/{n} &park()")
            for i, n in zip(ids, numbers, strict=True)
        )
    )
    assert all(r.startswith("+OK") for r in replies), replies[:3]
    for call in ids:
        await switch.api(f'uuid_audio_fork {call} start ws://127.0.0.1:{port}/ mono {rate} fork {{"call":"{call}"}}')
    await asyncio.sleep(1.0)  # every fork connected
    forks = [next(iter(switch.channels[c].forks.values())) for c in ids]
    start_counts = [f.frames_sent for f in forks]
    start_late = [len(f.lateness_ms) for f in forks]
    began = time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - began
    sent = [f.frames_sent - s for f, s in zip(forks, start_counts, strict=True)]
    late = sorted(x for f, s in zip(forks, start_late, strict=True) for x in f.lateness_ms[s:])
    expected = elapsed / 0.020
    await switch.api("hupall")
    await switch.stop()

    def pct(p):
        return late[min(len(late) - 1, int(len(late) * p))]

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"| calls | rate | seconds | frames/call (expected {expected:.0f}) min / mean | late p50 ms | p95 | p99 | max | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {calls} | {rate} | {elapsed:.1f} | {min(sent)} / {statistics.mean(sent):.0f} | {pct(0.5):.1f} | {pct(0.95):.1f} "
        f"| {pct(0.99):.1f} | {late[-1]:.1f} | {rss:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", default="16k", choices=["8k", "16k"])
    args = parser.parse_args()
    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=sink, args=(ports,), daemon=True)
    server.start()
    try:
        asyncio.run(run(args.calls, args.seconds, args.rate, ports.get(timeout=10)))
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
