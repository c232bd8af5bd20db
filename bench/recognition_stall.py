"""How much recognition stalls the agent's event loop: in the agent's own threads against worker processes.

    .venv/bin/python bench/recognition_stall.py [--jobs 20]

pocketsphinx holds Python's GIL while it decodes. The agent's event loop carries every call's audio in and
out, barge-in and playback, so a stall there is heard on every call. This runs `--jobs` recognitions of a
3.5 s utterance (Piper's voice, the grammar of the "identify" state), two at a time, once on threads of
this process and once in two worker processes, while a task on the loop sleeps 10 ms over and over and
notes how late it wakes. It prints, for each way, the time the jobs took and the loop's worst and mean
lateness.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


async def lateness(stop: threading.Event) -> tuple[float, float]:
    worst = total = 0.0
    wakes = 0
    while not stop.is_set():
        began = time.perf_counter()
        await asyncio.sleep(0.01)
        late = time.perf_counter() - began - 0.01
        worst, total, wakes = max(worst, late), total + late, wakes + 1
    return worst, total / max(wakes, 1)


async def measured(recognize, jobs: int, threads: ThreadPoolExecutor) -> tuple[float, float, float]:
    stop = threading.Event()
    watcher = asyncio.create_task(lateness(stop))
    loop = asyncio.get_running_loop()
    began = time.perf_counter()
    await asyncio.gather(*[loop.run_in_executor(threads, recognize) for _ in range(jobs)])
    took = time.perf_counter() - began
    stop.set()
    worst, mean = await watcher
    return took, worst, mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=20)
    jobs = parser.parse_args().jobs
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "issetter.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from agent.speech.grammars import Listening, grammar_for
    from agent.speech.recognizer import SphinxRecognizer
    from agent.speech.recognizer_processes import RecognizerProcesses
    from agent.speech.tts import voice_named

    speech = voice_named().say("Thursday afternoon works for me, the second one please.")
    in_threads, workers = SphinxRecognizer(), RecognizerProcesses(2)
    workers.warm_up()
    grammar = grammar_for(Listening(state="identify", first_name="Maria"), known=in_threads.knows)
    threads = ThreadPoolExecutor(max_workers=2)
    barrier = threading.Barrier(2)  # each thread loads its own decoders before the clock starts
    list(threads.map(lambda _: (barrier.wait(), in_threads.recognize(speech, grammar)), range(2)))
    print(f"{jobs} recognitions of {len(speech) / 16000:.1f} s of speech, two at a time")
    print("| where | took s | loop late, worst ms | loop late, mean ms |")
    print("|---|---|---|---|")
    for name, recognizer in (("threads of the agent's process", in_threads), ("two worker processes", workers)):
        took, worst, mean = asyncio.run(measured(lambda r=recognizer: r.recognize(speech, grammar), jobs, threads))
        print(f"| {name} | {took:.1f} | {worst * 1000:.0f} | {mean * 1000:.1f} |")
    workers.close()
    threads.shutdown()


if __name__ == "__main__":
    main()
