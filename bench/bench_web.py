"""The web conversation under load, beside the terminal-in-a-browser's cost per visitor.

``troubleshooter serve`` (the web page) runs in a process of its own; this script plays N
visitors at once (default 50), each with its own cookie jar, each step an answer posted as
the page's form would post it and the redirect followed to the complete next page (what a
browser without JavaScript does). It prints steps per second (median of the runs), the
latency of a step (median and 95th percentile), and the server's resident memory per live
conversation (RSS growth over the conversations it holds, divided by their number).

Beside it: ``serve --terminal`` starts one Textual app process per visitor; the script
opens a few websocket sessions as xterm.js would and prints the time to each app's first
screen and the resident memory of each app process (the per-visitor cost of that mode).

Then a few visitors step alone and again while another visitor's 1 MB pasted debug log is
explained in the question box (the answer runs in a worker process, not on the event loop).

Targets (issue 16): ≥ 300 steps/s with 50 concurrent visitors on 2 cores, ≤ 5 MB a session.

    python bench/bench_web.py [--visitors 50] [--steps 40] [--runs 3] [--terminal-visitors 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
# A walk of choice steps (no check: probes measure the network, not this server), then again.
WALK = ("set-up", "mioweb", "next", "on", "have-values", "together")
FIELD = re.compile(r'name="(csrf|at)" value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(*args: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "troubleshooter", "serve", "--port", str(port), *args],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def visitor(url: str, latencies: list[float], *, steps: int = 0, seconds: float = 0.0) -> None:
    """One visitor with a cookie jar of its own, taking ``steps`` steps or stepping for ``seconds``."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await (await http.get(url)).text()
        end, number = time.monotonic() + seconds, 0
        while number < steps or time.monotonic() < end:
            fields = dict(FIELD.findall(page))
            form = {**fields, "do": "choose", "choice": WALK[number % len(WALK)]}
            if number % len(WALK) == len(WALK) - 1:
                form = {**fields, "do": "restart"}
            started = time.perf_counter()
            async with http.post(url, data=form) as response:  # 303 → the next page, followed
                page = await response.text()
                assert response.status == 200, response.status
            latencies.append(time.perf_counter() - started)
            assert dict(FIELD.findall(page))["at"] != fields["at"], "the step did not land"
            number += 1


async def load(url: str, visitors: int, steps: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(visitor(url, latencies, steps=steps) for _ in range(visitors)))
    return visitors * steps / (time.perf_counter() - started), latencies


PASTE = "SMTP Error: Could not authenticate.\n" + "2026-12-03 SERVER -> CLIENT: 250-smtp.example.com\n" * 20000


async def pasting(url: str) -> float:
    """One visitor pastes a 1 MB debug log into the question box; seconds to the answer."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        fields = dict(FIELD.findall(await (await http.get(url)).text()))
        form = {**fields, "do": "ask", "question": PASTE[:1_000_000]}
        data = aiohttp.FormData(form, default_to_multipart=True)
        started = time.perf_counter()
        await (await http.post(url, data=data)).text()
        return time.perf_counter() - started


async def paste_stall(url: str, visitors: int = 5, seconds: float = 8.0) -> None:
    """Steps/s of a few visitors, alone and while another's 1 MB paste is explained."""
    quiet: list[float] = []
    await asyncio.gather(*(visitor(url, quiet, seconds=seconds) for _ in range(visitors)))
    busy: list[float] = []
    steppers = (visitor(url, busy, seconds=seconds) for _ in range(visitors))
    took, *_ = await asyncio.gather(pasting(url), *steppers)
    for name, found in (("alone", quiet), ("during a 1 MB paste", busy)):
        found.sort()
        print(f"  {visitors} visitors {name}: {len(found) / seconds:.0f} steps/s, median "
              f"{statistics.median(found) * 1000:.1f} ms, p95 {found[int(len(found) * 0.95)] * 1000:.1f} ms, "
              f"slowest {found[-1] * 1000:.0f} ms")
    print(f"  the paste answered in {took:.1f} s")


async def conversations_memory(url: str, pid: int, count: int) -> float:
    """KiB of server RSS per live conversation, each walked a few steps."""
    before = rss_kib(pid)
    keep: list[aiohttp.ClientSession] = []
    for _ in range(count):
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        keep.append(http)
        page = await (await http.get(url)).text()
        for choice in WALK[:5]:
            fields = dict(FIELD.findall(page))
            page = await (await http.post(url, data={**fields, "do": "choose", "choice": choice})).text()
    after = rss_kib(pid)
    for http in keep:
        await http.close()
    return (after - before) / count


async def terminal_cost(visitors: int) -> tuple[list[float], list[int]]:
    """(seconds to each app's first output, RSS KiB of each app process) under serve --terminal."""
    proc, port = start("--terminal", "--max-sessions", str(visitors + 1))
    firsts: list[float] = []
    sizes: list[int] = []
    try:
        async with aiohttp.ClientSession() as http:
            sockets = []
            for _ in range(visitors):
                started = time.perf_counter()
                ws = await http.ws_connect(f"ws://127.0.0.1:{port}/ws?width=100&height=30")
                await asyncio.wait_for(ws.receive(), timeout=60)
                firsts.append(time.perf_counter() - started)
                sockets.append(ws)
            await asyncio.sleep(3)  # let the apps settle on their first screen
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                        if b"--served" in cmdline and os.getpgid(int(entry.name)) == proc.pid:
                            sizes.append(rss_kib(int(entry.name)))
                    except OSError:
                        continue
            for ws in sockets:
                await ws.close()
    finally:
        stop(proc)
    return firsts, sizes


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--steps", type=int, default=40, help="steps each visitor takes per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=500, help="live conversations for the memory figure")
    parser.add_argument("--terminal-visitors", type=int, default=3)
    parser.add_argument("--no-paste", dest="paste", action="store_false",
                        help="skip the figure of steps during another visitor's 1 MB paste")
    args = parser.parse_args()

    proc, port = start("--lang", "en", "--max-sessions", str(args.sessions + args.visitors * (args.runs + 1)))
    url = f"http://127.0.0.1:{port}/"
    try:
        await load(url, 1, 6)  # warm up: templates compiled, articles rendered
        per_session = await conversations_memory(url, proc.pid, args.sessions)  # on a fresh heap
        rates, latencies = [], []
        for _ in range(args.runs):
            rate, found = await load(url, args.visitors, args.steps)
            rates.append(rate)
            latencies += found
        server_rss = rss_kib(proc.pid)
        children = [child for task in Path(f"/proc/{proc.pid}/task").iterdir()
                    for child in (task / "children").read_text().split()]
        workers_rss = sum(rss_kib(int(child)) for child in children)  # the question box's worker
        latencies.sort()
        print(f"web page, {args.visitors} visitors at once, {args.steps} steps each, {args.runs} runs "
              f"({os.cpu_count()} cores):")
        runs = ", ".join(f"{rate:.0f}" for rate in rates)
        print(f"  steps/s: median {statistics.median(rates):.0f} (runs: {runs})")
        print(f"  step latency: median {statistics.median(latencies) * 1000:.1f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")
        print(f"  memory: {per_session / 1024:.3f} MB per live conversation ({args.sessions} conversations, "
              f"5 steps each); server RSS {server_rss / 1024:.0f} MB at the end, "
              f"+ {workers_rss / 1024:.0f} MB its answer worker process")
        if args.paste:
            await paste_stall(url)
    finally:
        stop(proc)
    firsts, sizes = await terminal_cost(args.terminal_visitors)
    if sizes:
        print(f"serve --terminal, {args.terminal_visitors} visitors: an app process each")
        print(f"  first output: median {statistics.median(firsts):.2f} s")
        print(f"  memory: median {statistics.median(sizes) / 1024:.0f} MB RSS per visitor (app process)")
        web_mb = max(per_session / 1024, 0.001)
        print(f"  ratio: a terminal visitor costs {statistics.median(sizes) / 1024 / web_mb:.0f}× "
              "the memory of a web conversation")


if __name__ == "__main__":
    asyncio.run(main())
