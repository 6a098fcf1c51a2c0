"""``explain`` on the labelled corpus beside a WP Mail SMTP-style matcher, in one run; then
accuracy and time per kind of paste, and how time grows with the paste's length.

The baseline is the algorithm WP Mail SMTP uses (smtp-anchors.md §2): an ordered list of
phrases, plain substring search over the whole pasted text, first match wins, with its
order ("unsolicited" before "certificate verify failed" before "SMTP connect() failed").
Printed: accuracy of both on tests/data/red_messages.yaml and the median time per text
(the one-line case); per kind (transcript, bounce, headers: tests/data/pastes/, real
PHPMailer and Postfix output plus documented provider texts) accuracy of kind + outcome and
the median time per paste; a real transcript repeated to 100 KB and 1 MB (ratio, target
≤ 12×, < 1 s) and a 50 MB paste (cut to the paste limit: about the time of 1 MB).

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
PASTES = ROOT / "tests" / "data" / "pastes"

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
    by_kind(explain, runs, t_ours)
    growth(explain, max(3, runs // 2))


def _pastes() -> dict[str, list[tuple[str, str]]]:
    """kind -> [(text, outcome)] from the fixture index and the documented texts."""
    from troubleshooter import yamlio

    kinds: dict[str, list[tuple[str, str]]] = {}
    for name in ("index.yaml", "documented.yaml"):
        for entries in (yamlio.load(PASTES / name).data or {}).values():
            for entry in entries:
                text = entry.get("text") or (PASTES / entry["file"]).read_text(encoding="utf-8")
                kinds.setdefault(entry["kind"], []).append((text, entry["outcome"]))
    return kinds


def by_kind(explain, runs: int, one_line: float) -> None:
    print(f"{'kind':<11} {'pastes':>6} {'accuracy':>9} {'median/paste':>13} {'vs one line':>12}")
    print(f"{'message':<11} {'':>6} {'(above)':>9} {one_line * 1e3:>10.2f} ms {1:>11.0f}x")
    for kind, items in _pastes().items():
        right = sum(explain(t).kind == kind and explain(t).outcome == o for t, o in items) / len(items)
        took = measure(explain, [t for t, _ in items], runs)
        print(f"{kind:<11} {len(items):>6} {right:>9.1%} {took * 1e3:>10.2f} ms {took / one_line:>11.1f}x")


def growth(explain, runs: int) -> None:
    """A real transcript (PHPMailer level 3, a wrong password) repeated to the size, as a paste of a
    log with many sessions; then 50 MB, which is cut to the paste limit before anything reads it."""
    base = (PASTES / "transcripts" / "wrong-password-level3-en.txt").read_text(encoding="utf-8")
    sizes = {"100 KB": 100_000, "1 MB": 1_000_000}
    times = {}
    for label, size in sizes.items():
        text = (base * (size // len(base) + 1))[:size]
        times[label] = measure(explain, [text], runs)
        print(f"transcript {label:>6}: median {times[label] * 1e3:8.1f} ms")
    print(f"ratio 1 MB / 100 KB: {times['1 MB'] / times['100 KB']:.1f}x (target <= 12x; 1 MB target < 1 s)")
    words = [f"w{i}x" for i in range(150_000)]  # distinct lines, none an SMTP error
    prose = "\n".join(" ".join(words[i:i + 10]) for i in range(0, 150_000, 10))
    for label, size in sizes.items():
        took = measure(explain, [prose[:size]], runs)
        print(f"message    {label:>6} of distinct lines: median {took * 1e3:8.1f} ms")
    huge = base * (50_000_000 // len(base) + 1)
    t_huge = measure(explain, [huge], runs)
    ratio = t_huge / times["1 MB"]
    print(f"transcript  50 MB: median {t_huge * 1e3:8.1f} ms (cut to 1 MB: {ratio:.2f}x the 1 MB time)")


if __name__ == "__main__":
    main()
