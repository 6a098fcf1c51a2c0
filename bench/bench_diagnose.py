"""``troubleshooter diagnose`` beside swaks, and a port sweep where two ports swallow packets.

Baseline: Debian's ``swaks`` (``apt-get install -y swaks``), the power user's SMTP test
tool, doing the same check as ``diagnose``: connect, EHLO, STARTTLS with certificate
verification against the practice CA, EHLO, AUTH PLAIN, QUIT — against the same loopback
practice server, whole process each run (start-up included), runs alternated. Then both
again through :class:`DelayingProxy`, a link with a 40 ms round-trip time (targets: ≤ 1.6×
swaks on loopback, ≤ 1.05× on the link); beside the times, how often each waited for the
server.

Sweep: ports that never accept (a listening socket with a full backlog: on loopback packets
cannot be dropped, so new connections hang in the SYN stage as behind a dropping firewall)
next to the practice server's two ports; the sweep must end within its deadline + 10 %.

    python bench/bench_diagnose.py [--runs 15] [--sweep-deadline 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from installed import compile_package  # noqa: E402  (bench/installed.py)
from smtp_servers import never_accepting_listener, practice_server  # noqa: E402

from troubleshooter.probes.sweep import probe_port_sweep  # noqa: E402


class DelayingProxy:
    """A loopback TCP proxy that holds every chunk ``delay`` seconds in each direction (a link
    with twice that round-trip time; these machines have no ``netem``), and counts how often
    the client had to wait for the server: each time bytes come back after the client spoke
    (the banner counts once too). Runs in a thread with its own event loop."""

    def __init__(self, target_port: int, delay: float) -> None:
        self.target_port, self.delay = target_port, delay
        self.port = 0
        self.waits: list[int] = []  # per connection
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> DelayingProxy:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), self._loop)
        self._thread.join(5)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        index = len(self.waits)
        self.waits.append(0)
        last = ["client"]  # who sent the last chunk

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, side: str) -> None:
            loop = asyncio.get_running_loop()
            try:
                while chunk := await source.read(65536):
                    if side == "server" and last[0] == "client":
                        self.waits[index] += 1
                    last[0] = side
                    loop.call_later(self.delay, sink.write, chunk)
                await asyncio.sleep(self.delay)
            except OSError:
                pass
            finally:
                with contextlib.suppress(OSError):
                    sink.close()

        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(pump(reader, up_writer, "client"), pump(up_reader, writer, "server"))


def _time(argv: list[str], env: dict[str, str], expect: int) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    took = time.perf_counter() - started
    if result.returncode != expect:
        raise SystemExit(f"{argv[0]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return took


def _commands(port: int, user: str, ca: str) -> tuple[list[str], list[str]]:
    swaks = shutil.which("swaks")
    if not swaks:
        raise SystemExit("swaks is not installed: apt-get install -y swaks")
    swaks_argv = [swaks, "--server", f"127.0.0.1:{port}", "--tls", "--tls-verify", "--tls-ca-path", ca,
                  "--auth", "PLAIN", "--auth-user", user, "--auth-password", "$PW",
                  "--quit-after", "AUTH", "--silent", "1"]
    ours_argv = [sys.executable, "-m", "troubleshooter", "diagnose", "--host", "127.0.0.1", "--port", str(port),
                 "--security", "starttls", "--user", user, "--password-env", "PW", "--ca-file", ca,
                 "--lang", "en"]
    return swaks_argv, ours_argv


def bench_swaks(runs: int, delay: float) -> None:
    with practice_server() as server, tempfile.TemporaryDirectory() as cache:
        user, password, ca = server.config.username, server.config.password, str(server.ca_file)
        # A cache of its own, filled by the first run: other checkouts' runs on a shared machine
        # would otherwise evict the parsed catalogues and some runs would parse them again.
        env = {**os.environ, "PW": password, "PYTHONPATH": str(ROOT), "TROUBLESHOOTER_CACHE": cache}
        swaks_argv, ours_argv = _commands(server.starttls_port, user, ca)
        swaks_argv[swaks_argv.index("$PW")] = password  # swaks has no safer way to take it
        floor_argv = [sys.executable, "-c", "import asyncio, ssl; ssl.create_default_context()"]
        _time(ours_argv, env, 0), _time(swaks_argv, env, 0)  # warm the page cache
        loopback = {"swaks": [], "diagnose": [], "floor": []}
        for _ in range(runs):
            loopback["diagnose"].append(_time(ours_argv, env, 0))
            loopback["swaks"].append(_time(swaks_argv, env, 0))
            loopback["floor"].append(_time(floor_argv, env, 0))
        link: dict[str, list[float]] = {"swaks": [], "diagnose": []}
        waits: dict[str, set[int]] = {"swaks": set(), "diagnose": set()}
        with DelayingProxy(server.starttls_port, delay) as proxy:
            via_swaks, via_ours = _commands(proxy.port, user, ca)
            via_swaks[via_swaks.index("$PW")] = password
            for _ in range(runs):
                for name, argv in (("diagnose", via_ours), ("swaks", via_swaks)):
                    before = len(proxy.waits)
                    link[name].append(_time(argv, env, 0))
                    waits[name].update(proxy.waits[before:])
    print(f"STARTTLS + verified certificate + AUTH PLAIN + QUIT, whole process, {runs} runs each (alternated)")
    print(f"  {'':<36} {'loopback':>17} {f'link, RTT {2 * delay * 1000:.0f} ms':>20}  waits for the server")
    for name, label in (("swaks", "swaks (baseline)"), ("diagnose", "troubleshooter diagnose")):
        waited = "/".join(map(str, sorted(waits[name])))
        print(f"  {label:<36} median {statistics.median(loopback[name]) * 1000:7.1f} ms   "
              f"median {statistics.median(link[name]) * 1000:7.1f} ms   {waited}")
    floor_ms = statistics.median(loopback['floor']) * 1000
    print(f"  {'python: import asyncio + CA store':<36} median {floor_ms:7.1f} ms")
    on_loopback = statistics.median(loopback["diagnose"]) / statistics.median(loopback["swaks"])
    on_link = statistics.median(link["diagnose"]) / statistics.median(link["swaks"])
    print(f"  ratio diagnose / swaks (median): loopback {on_loopback:.2f} (target <= 1.6), "
          f"link {on_link:.2f} (target <= 1.05)")


def bench_sweep(deadline: float, runs: int) -> None:
    with (practice_server() as server, never_accepting_listener() as dead_a,
          never_accepting_listener() as dead_b):
        ports = f"{server.starttls_port},{server.tls_port},{dead_a},{dead_b}"
        took = []
        for _ in range(runs):
            started = time.monotonic()
            outcome = asyncio.run(probe_port_sweep({"host": "127.0.0.1", "ports": ports}, deadline=deadline))
            took.append(time.monotonic() - started)
        states = {p["port"]: (p["state"], p.get("speaks")) for p in outcome.facts["ports"]}
    limit = deadline * 1.1
    print(f"Port sweep, 2 open ports + 2 that never accept, deadline {deadline:.1f} s, {runs} runs")
    verdict = "OK" if max(took) <= limit else "OVER"
    print(f"  median {statistics.median(took):.3f} s   max {max(took):.3f} s   "
          f"limit (deadline + 10 %) {limit:.3f} s   {verdict}")
    print(f"  outcome {outcome.outcome}, suggestion {outcome.facts.get('suggestion')}, ports {states}")


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--delay", type=float, default=0.020, help="seconds each chunk is held, each way")
    parser.add_argument("--sweep-deadline", type=float, default=3.0)
    parser.add_argument("--sweep-runs", type=int, default=5)
    args = parser.parse_args()
    bench_swaks(args.runs, args.delay)
    bench_sweep(args.sweep_deadline, args.sweep_runs)


if __name__ == "__main__":
    main()
