"""``explain`` on the labelled corpus beside a WP Mail SMTP-style matcher, in one run.

The baseline is the algorithm WP Mail SMTP uses (smtp-anchors.md §2): an ordered list of
phrases, plain substring search over the whole pasted text, first match wins, with its
order ("unsolicited" before "certificate verify failed" before "SMTP connect() failed").
Printed: accuracy of both on tests/data/red_messages.yaml and the median time per text.

    python bench/bench_explain.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "red_messages.yaml"

# WP Mail SMTP's SMTP-relevant entries, in its order, mapped to our outcome ids.
WPMS_ORDER = [
    ("cURL error 60", "certificate-invalid"), ("cURL error 77", "certificate-invalid"),
    ("cURL error 6", "connection-timeout"), ("cURL error 7", "connection-timeout"),
    ("SMTP Error: Could not authenticate.", "auth-failed"),
    ("We do not authorize the use of this system to transport unsolicited", "message-rejected"),
    ("Unauthenticated senders not allowed", "relay-denied"),
    ("certificate verify failed", "certificate-invalid"),
    ("SMTP connect() failed", "connection-timeout"),
]


def wpms_style(text: str) -> str:
    return next((outcome for phrase, outcome in WPMS_ORDER if phrase in text), "unknown")


def measure(func, texts: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for text in texts:
            func(text)
        times.append((time.perf_counter() - started) / len(texts))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing
    from troubleshooter import yamlio
    from troubleshooter.explain import explain

    corpus = yamlio.load(CORPUS).data["corpus"]
    texts = [c["text"] for c in corpus]
    explain(texts[0])  # load the rules once, as a long-running question box would
    ours = sum(explain(c["text"]).outcome == c["outcome"] for c in corpus) / len(corpus)
    base = sum(wpms_style(c["text"]) == c["outcome"] for c in corpus) / len(corpus)
    t_ours, t_base = measure(explain, texts, runs), measure(wpms_style, texts, runs)
    print(f"corpus: {len(corpus)} texts, {runs} runs")
    print(f"explain            accuracy {ours:6.1%}  median {t_ours * 1e6:8.1f} µs/text")
    print(f"baseline wpms-style accuracy {base:6.1%}  median {t_base * 1e6:8.1f} µs/text")
    print(f"time ratio explain/baseline: {t_ours / t_base:.0f}x")
    transcript = "SERVER -> CLIENT: 250-PIPELINING\n" * 5000 + "SMTP ERROR: Password command failed: 535 x\n"
    t_long = measure(explain, [transcript], runs)
    print(f"explain on a 5,001-line transcript: median {t_long * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
