"""Random edits of real flows: bad input gets a located answer, never a crash.

A seeded stand-in for fuzzing (the two bugs it found — ``!!int next`` and ``.NaN`` raising
ValueError out of the loader — have tests of their own in test_yamlio.py): characters that
matter to YAML are inserted, deleted and replaced at random places, and loading, building
and linting the shipped main flow raises nothing but ``YamlError``; every finding can be
said in both languages.
"""

from __future__ import annotations

import random
from pathlib import Path

from troubleshooter import yamlio
from troubleshooter.flow.lint import lint_load
from troubleshooter.flow.loader import FlowLoad, build_flow
from troubleshooter.flow.model import FlowSet

MAIN_FLOW = Path(__file__).resolve().parent.parent / "flows" / "smtp.yaml"
PIECES = [*":-{}[],&*!|>'\"#%@`?\n \t.~0123456789", "!!int ", "!!float ", "!!bool ", "!!str ", "&a ",
          "*a", "<<: ", ".NaN", ".inf", "0o", "0x", "\u00a0", "\ufeff", "\r\n", "\n  n3:\n", "\n    "]


def edited(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at, piece, how = rng.randrange(len(text)), rng.choice(PIECES), rng.random()
        if how < 0.4:
            text = text[:at] + piece + text[at:]
        elif how < 0.7:
            text = text[:at] + text[at + rng.randint(1, 8):]
        else:
            text = text[:at] + piece + text[at + 1:]
    return text


def test_edits_of_the_main_flow_get_located_answers() -> None:
    rng = random.Random(20261129)
    source = MAIN_FLOW.read_text(encoding="utf-8")
    errors = findings = 0
    for _ in range(250):
        text = edited(source, rng)
        try:
            doc = yamlio.loads(text, "smtp.yaml")
        except yamlio.YamlError as exc:
            assert exc.line >= 1 and exc.col >= 1 and exc.message
            errors += 1
            continue
        diagnostics: list = []
        flow = build_flow(doc, diagnostics)
        if flow is not None:
            diagnostics = lint_load(FlowLoad(FlowSet({flow.id: flow}), {flow.id: doc}, diagnostics))
        for finding in diagnostics:
            assert finding.format("cs") and finding.format("en")
        findings += bool(diagnostics)
    assert errors > 20 and findings > 20  # the edits did reach both the parser and the checks
