"""Hostile content (issue #20, item 2): escape codes and bidi overrides in an article's title or
body, or in a flow's text, never reach the terminal raw (``ask --full``, plain ``a``), and
``lint`` names them at their place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from troubleshooter.cli import main

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07\x9b31m\x85\u202e"
RAW = {c for c in HOSTILE if not c.isprintable()}


def _hostile_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    for lang in ("cs", "en"):
        source = (ROOT / "kb" / f"app-passwords.{lang}.md").read_text(encoding="utf-8")
        head, _, body = source.partition("\n---\n")
        title = next(line for line in head.splitlines() if line.startswith("title: "))
        head = head.replace(title, f'title: "\\e]0;pwned\\a\\u202e {title[7:]}"')  # YAML escapes
        (kb / f"app-passwords.{lang}.md").write_text(f"{head}\n---\n{HOSTILE}\n{body}{HOSTILE}\n",
                                                     encoding="utf-8")
    return kb


def test_ask_full_shows_an_articles_escape_codes_as_text(tmp_path, capsys):
    kb = _hostile_kb(tmp_path)
    main(["ask", "--kb", str(kb), "--lang", "en", "--full", "application-specific password required"])
    out, err = capsys.readouterr()
    assert "Gmail" in out
    assert RAW.isdisjoint(out + err)
    assert "\\x1b]0;pwned" in out


def test_plain_article_command_shows_escape_codes_as_text(tmp_path):
    kb = _hostile_kb(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    flows = ROOT / "tests" / "fixtures" / "flows"
    source = (flows / "mini.yaml").read_text(encoding="utf-8").replace("smtp-switch-on", "app-passwords")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "mini.yaml").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "troubleshooter", "--plain", "--flows", str(tmp_path / "flows"),
         "--flow", "mini", "--kb", str(kb), "--lang", "en"],
        input="a\nq\n", cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Gmail" in done.stdout
    assert RAW.isdisjoint(done.stdout + done.stderr)


def test_lint_reports_control_characters_in_flows_and_articles(tmp_path, capsys):
    kb = _hostile_kb(tmp_path)
    flows = tmp_path / "flows"
    flows.mkdir()
    source = (ROOT / "tests" / "fixtures" / "flows" / "mini.yaml").read_text(encoding="utf-8")
    source = source.replace("{cs: Je SMTP zapnuté?, en: Is SMTP on?}",
                            '{cs: Je SMTP zapnuté?, en: "Is SMTP \\e]0;pwned\\a on? \\u202e"}')
    (flows / "mini.yaml").write_text(source, encoding="utf-8")
    code = main(["lint", "--flows", str(flows), "--kb", str(kb), "--lang", "en"])
    out, err = capsys.readouterr()
    assert code == 1
    lines = [line for line in (out + err).splitlines() if "control-character" in line]
    assert any("mini.yaml:8:" in line and "\\x1b" in line and "\\u202e" in line for line in lines), out
    assert any("app-passwords.en.md:2:" in line for line in lines), out
    assert RAW.isdisjoint(out + err)
