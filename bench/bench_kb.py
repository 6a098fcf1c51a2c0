"""Knowledge-base benchmark: index build, query latency, and ``ask`` as a whole process.

    python bench/bench_kb.py [--articles 2000] [--runs 5]

Prints medians beside a named baseline in one run:
- index build for the shipped KB (cold: simplemma loads its dictionaries; warm: loaded),
- index build for a generated KB of N bilingual articles (sentences of the shipped ones
  reshuffled, plus a few words unique to each article), and the JSON cache load of it,
- median query latency (wall and CPU) over kb/questions.yaml on both indexes
  (target < 5 ms at 2,000),
- ``troubleshooter ask`` as a process (index cached / cache empty; a word only the typo
  fallback finds) beside ``python -c pass``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from installed import compile_package  # noqa: E402  (bench/installed.py)

from troubleshooter.knowledge import index as kb_index  # noqa: E402
from troubleshooter.knowledge import search, text  # noqa: E402
from troubleshooter.knowledge.articles import load_articles  # noqa: E402
from troubleshooter.knowledge.asked import load_questions  # noqa: E402


def timed(func, *args):
    start = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - start, value


def generate_kb(folder: Path, count: int, seed: int = 7) -> None:
    """N article ids x {cs, en}, built from the shipped articles' sentences."""
    rng = random.Random(seed)
    shipped = list(load_articles())
    by_lang = {lang: [a for a in shipped if a.lang == lang] for lang in ("cs", "en")}
    for number in range(count):
        for lang, pool in by_lang.items():
            base = rng.choice(pool)
            picked = rng.sample(pool, min(4, len(pool)))
            sentences = [s for a in picked for s in a.body.split("\n") if s.strip()]
            rng.shuffle(sentences)
            unique = f"zx{number}q w{number}k"
            body = "\n".join(sentences[:25]) + f"\n\n{unique}\n"
            keywords = json.dumps([*base.keywords[:10], unique], ensure_ascii=False)
            (folder / f"gen-{number:05d}.{lang}.md").write_text(
                f"---\ntitle: {json.dumps(base.title + ' ' + str(number), ensure_ascii=False)}\n"
                f"summary: {json.dumps(base.summary, ensure_ascii=False)}\nkeywords: {keywords}\n"
                f"related: [smtp:intro]\n---\n{body}", encoding="utf-8")


def query_latency(index: kb_index.Index, questions: list[str], repeat: int = 3) -> tuple[float, float]:
    """Median wall time and median CPU time of this thread per question (on a shared machine
    the CPU time is the steadier of the two)."""
    wall, cpu = [], []
    for _ in range(repeat):
        for question in questions:
            start, start_cpu = time.perf_counter(), time.thread_time()
            search.rank(question, "cs", index)
            cpu.append(time.thread_time() - start_cpu)
            wall.append(time.perf_counter() - start)
    return statistics.median(wall), statistics.median(cpu)


def process_median(argv: list[str], runs: int, env: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    questions = [q.text for q in load_questions()]

    shipped = load_articles()
    cold, index = timed(kb_index.build_index, shipped)
    warm = []
    for _ in range(args.runs):
        text.lemma.cache_clear()
        text.is_known.cache_clear()
        warm.append(timed(kb_index.build_index, shipped)[0])
    print(f"shipped KB: {len(shipped)} documents ({len(shipped.ids)} articles)")
    print(f"  index build, cold (simplemma loads cs+en): {cold * 1000:8.1f} ms")
    print(f"  index build, warm (median of {args.runs}):          {statistics.median(warm) * 1000:8.1f} ms")
    latency, cpu = query_latency(index, questions)
    print(f"  query latency, median over {len(questions)} questions: {latency * 1000:8.3f} ms"
          f" (CPU {cpu * 1000:.3f} ms)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_kb(folder, args.articles)
        load_time, big = timed(load_articles, folder)
        build_time, big_index = timed(kb_index.build_index, big)
        blob = json.dumps(big_index.to_json(), ensure_ascii=False, separators=(",", ":"))
        cache_time, _ = timed(lambda: kb_index.Index.from_json(json.loads(blob)))
        print(f"generated KB: {len(big)} documents ({len(big.ids)} articles x cs+en)")
        print(f"  load articles (front matter):     {load_time * 1000:8.1f} ms")
        print(f"  index build (lemmas warm):        {build_time * 1000:8.1f} ms")
        print(f"  index load from JSON cache:       {cache_time * 1000:8.1f} ms ({len(blob) / 1e6:.1f} MB)")
        latency, cpu = query_latency(big_index, questions)
        print(f"  query latency, median:            {latency * 1000:8.3f} ms  (CPU {cpu * 1000:.3f} ms;"
              " target < 5 ms)")

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "TROUBLESHOOTER_CACHE": cache, "PYTHONPATH": str(ROOT)}
        ask = [sys.executable, "-m", "troubleshooter", "ask", "--lang", "cs", "nechodi emaily z formulare"]
        baseline = process_median([sys.executable, "-c", "pass"], args.runs, env)
        start = time.perf_counter()
        subprocess.run(ask, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        first = time.perf_counter() - start
        cached = process_median(ask, args.runs, env)
        unknown = process_median([*ask[:-1], "formulářem nechodí zprávy"], args.runs, env)
        typo = process_median([*ask[:-1], "kam napsat heso"], args.runs, env)
    print("whole process (median):")
    print(f"  python -c pass (baseline):                {baseline * 1000:8.1f} ms")
    print(f"  ask, empty cache (builds the index):      {first * 1000:8.1f} ms  ({first / baseline:.1f}x)")
    print(f"  ask, index cached:                        {cached * 1000:8.1f} ms  ({cached / baseline:.1f}x)")
    print(f"  ask, cached, inflections not in the KB:   {unknown * 1000:8.1f} ms  ({unknown / baseline:.1f}x)")
    print(f"  ask, cached, a typo (heso):               {typo * 1000:8.1f} ms  ({typo / baseline:.1f}x)")


if __name__ == "__main__":
    main()
