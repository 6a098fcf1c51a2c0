"""The settings finder with 6 candidates of which 3 never answer: it must end within its deadline
+ 10 % (candidates proven in parallel), beside the named baseline "the same candidates proven
one after another" (each probe given the same deadline, as a sequential finder would).

The silent candidates are ranked first, so the finder cannot stop early: it has to wait for
them until the deadline. Everything is on loopback (DNS fixture, practice servers, listeners
that never accept).

    python bench/bench_finder.py [--deadline 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from dns_server import dns_server  # noqa: E402
from smtp_servers import never_accepting_listener, practice_server  # noqa: E402

from troubleshooter.probes import smtp  # noqa: E402
from troubleshooter.probes.find_settings import find_settings  # noqa: E402
from troubleshooter.probes.finder import FinderOptions  # noqa: E402

GOOD = ("good1.bench.test", "good2.bench.test", "good3.bench.test")
SILENT = ("silent1.bench.test", "silent2.bench.test", "silent3.bench.test")


def _providers(path: Path, silent_ports: list[int], good: list[tuple[int, str]]) -> None:
    lines = ["bench:", "  name: Bench", "  domains: [bench.test]", "  outgoing:"]
    for host, port in zip(SILENT, silent_ports, strict=True):
        lines.append(f"    - {{hostname: {host}, port: {port}, socketType: STARTTLS}}")
    for host, (port, socket_type) in zip(GOOD, good, strict=True):
        lines.append(f"    - {{hostname: {host}, port: {port}, socketType: {socket_type}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _sequential(candidates: list[tuple[str, int, str]], ca_file: str, deadline: float) -> float:
    started = time.monotonic()
    for host, port, security in candidates:
        await smtp.probe_connection({"host": host, "port": str(port), "security": security, "ca_file": ca_file,
                                     "addresses": "127.0.0.1"}, deadline=deadline)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(practice_server(cert_names=GOOD))
        two = stack.enter_context(practice_server(cert_names=GOOD))
        silent_ports = [stack.enter_context(never_accepting_listener()) for _ in SILENT]
        good = [(one.starttls_port, "STARTTLS"), (one.tls_port, "SSL"), (two.starttls_port, "STARTTLS")]
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        providers = folder / "providers.yaml"
        _providers(providers, silent_ports, good)
        bundle = folder / "ca.pem"
        bundle.write_text(Path(one.ca_file).read_text() + Path(two.ca_file).read_text())
        zone = {host: {"A": ["127.0.0.1"]} for host in GOOD + SILENT}
        dns = stack.enter_context(dns_server(zone))
        options = FinderOptions(nameserver=dns.address, ca_file=str(bundle), providers_file=providers)
        times, outcome = [], ""
        for _ in range(args.runs):
            result = asyncio.run(find_settings("info@bench.test", deadline=args.deadline, options=options))
            times.append(result.elapsed)
            card = result.card
            outcome = f"{result.outcome}: {card.host}:{card.port}" if card else result.outcome
        candidates = [(h, p, "starttls") for h, p in zip(SILENT, silent_ports, strict=True)] + [
            (h, p, "starttls" if t == "STARTTLS" else "tls") for h, (p, t) in zip(GOOD, good, strict=True)]
        baseline = asyncio.run(_sequential(candidates, str(bundle), args.deadline))
    finder = statistics.median(times)
    limit = args.deadline * 1.1
    print(f"settings finder, 6 candidates (3 never answer), deadline {args.deadline:.1f} s, {args.runs} runs")
    verdict = "within" if finder <= limit else "OVER"
    share = finder / args.deadline
    print(f"  finder (parallel proof)      median {finder:6.3f} s  ({share:.0%} of the deadline;"
          f" limit {limit:.2f} s: {verdict})  → {outcome}")
    print(f"  baseline: one after another         {baseline:6.3f} s  (×{baseline / finder:.1f} the finder)")
    return 0 if finder <= limit else 1


if __name__ == "__main__":
    raise SystemExit(main())
