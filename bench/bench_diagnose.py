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

    python bench/bench_diagnose.py [--runs 15] [--sweep-deadline 3] [--compare DIR]

``--compare DIR`` also runs ``diagnose`` from another checkout (say, a worktree of main) in the
same alternated rounds, each checkout with a cache directory of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import os
import resource
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


def _time(argv: list[str], env: dict[str, str], expect: int, cwd: str = str(ROOT)) -> float:
    return _run(argv, env, expect, cwd)[0]


def _run(argv: list[str], env: dict[str, str], expect: int, cwd: str = str(ROOT)) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process. The CPU time (user + system, from the
    kernel's accounting of the finished child) varies less than the wall time on a busy
    machine: it does not count the time the process waited for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, timeout=60)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != expect:
        raise SystemExit(f"{argv[0]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return took, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def _commands(port: int, user: str, ca: str) -> tuple[list[str], list[str]]:
    swaks = shutil.which("swaks")
    if not swaks:
        raise SystemExit("swaks is not installed: apt-get install -y swaks")
    swaks_argv = [swaks, "--server", f"127.0.0.1:{port}", "--tls", "--tls-verify", "--tls-ca-path", ca,
                  "--auth", "PLAIN", "--auth-user", user, "--auth-password", "$PW",
                  "--quit-after", "AUTH", "--silent", "1"]
    ours_argv = [*_troubleshooter(), "diagnose", "--host", "127.0.0.1", "--port", str(port),
                 "--security", "starttls", "--user", user, "--password-env", "PW", "--ca-file", ca,
                 "--lang", "en"]
    return swaks_argv, ours_argv


def _troubleshooter() -> list[str]:
    """The ``troubleshooter`` console script that users run (README), as swaks is run as its
    script; ``PYTHONPATH`` makes it run the measured checkout's code. ``python -m troubleshooter``
    where the script is not installed."""
    script = shutil.which("troubleshooter", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "troubleshooter"]


def bench_swaks(runs: int, delay: float, compare: str | None = None) -> None:
    with (practice_server() as server, tempfile.TemporaryDirectory() as cache,
          tempfile.TemporaryDirectory() as compare_cache):
        user, password, ca = server.config.username, server.config.password, str(server.ca_file)
        # A cache of its own, filled by the first run: other checkouts' runs on a shared machine
        # would otherwise evict the parsed catalogues and some runs would parse them again.
        env = {**os.environ, "PW": password, "PYTHONPATH": str(ROOT), "TROUBLESHOOTER_CACHE": cache}
        # name -> (environment, working directory) of each checkout's diagnose
        trees = {"diagnose": (env, str(ROOT))}
        if compare:
            trees["compare"] = ({**env, "PYTHONPATH": compare, "TROUBLESHOOTER_CACHE": compare_cache}, compare)
        swaks_argv, ours_argv = _commands(server.starttls_port, user, ca)
        swaks_argv[swaks_argv.index("$PW")] = password  # swaks has no safer way to take it
        floor_argv = [sys.executable, "-c", "import asyncio, ssl; ssl.create_default_context()"]
        for tree_env, cwd in trees.values():  # warm the page cache and fill the caches
            _time(ours_argv, tree_env, 0, cwd)
        _time(swaks_argv, env, 0)
        loopback: dict[str, list[tuple[float, float]]] = {name: [] for name in ("swaks", "floor", *trees)}
        for _ in range(runs):
            for name, (tree_env, cwd) in trees.items():
                loopback[name].append(_run(ours_argv, tree_env, 0, cwd))
            loopback["swaks"].append(_run(swaks_argv, env, 0))
            loopback["floor"].append(_run(floor_argv, env, 0))
        link: dict[str, list[float]] = {"swaks": [], **{name: [] for name in trees}}
        waits: dict[str, set[int]] = {name: set() for name in link}
        with DelayingProxy(server.starttls_port, delay) as proxy:
            via_swaks, via_ours = _commands(proxy.port, user, ca)
            via_swaks[via_swaks.index("$PW")] = password
            for _ in range(runs):
                for name in link:
                    tree_env, cwd = trees.get(name, (env, str(ROOT)))
                    before = len(proxy.waits)
                    link[name].append(_time(via_swaks if name == "swaks" else via_ours, tree_env, 0, cwd))
                    waits[name].update(proxy.waits[before:])
    wall = {name: statistics.median(w for w, _ in found) for name, found in loopback.items()}
    cpu = {name: statistics.median(c for _, c in found) for name, found in loopback.items()}
    print(f"STARTTLS + verified certificate + AUTH PLAIN + QUIT, whole process, {runs} runs each (alternated), "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"  diagnose run as: {' '.join(_troubleshooter())} diagnose …")
    link_title = f"link, RTT {2 * delay * 1000:.0f} ms"
    print(f"  {'':<36} {'loopback (CPU)':>25} {link_title:>20}  waits for the server")
    labels = {"swaks": "swaks (baseline)", "diagnose": "troubleshooter diagnose",
              "compare": f"diagnose from {compare}"}
    for name in link:
        waited = "/".join(map(str, sorted(waits[name])))
        print(f"  {labels[name]:<36} median {wall[name] * 1000:7.1f} ms ({cpu[name] * 1000:5.1f})   "
              f"median {statistics.median(link[name]) * 1000:7.1f} ms   {waited}")
    print(f"  {'python: import asyncio + CA store':<36} median {wall['floor'] * 1000:7.1f} ms "
          f"({cpu['floor'] * 1000:5.1f})")
    for name in trees:
        on_link = statistics.median(link[name]) / statistics.median(link["swaks"])
        print(f"  ratio {name} / swaks (median): loopback {wall[name] / wall['swaks']:.2f} (target <= 1.6; "
              f"CPU {cpu[name] / cpu['swaks']:.2f}), link {on_link:.2f} (target <= 1.05)")


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
    parser.add_argument("--compare", metavar="DIR", help="another checkout whose diagnose runs alongside")
    args = parser.parse_args()
    compare = os.path.abspath(args.compare) if args.compare else None
    if compare:
        compileall.compile_dir(os.path.join(compare, "troubleshooter"), quiet=1)
    bench_swaks(args.runs, args.delay, compare)
    bench_sweep(args.sweep_deadline, args.sweep_runs)


if __name__ == "__main__":
    main()
