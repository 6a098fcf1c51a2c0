"""Lint of the provider data: facts need a source and a date, stale ones are flagged, and the
provider articles may not contradict the data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from troubleshooter.knowledge.provider_facts import (
    lint_articles_against_data,
    lint_fact_dates,
    lint_provider_facts,
)

_GOOD = """\
acme:
  name: Acme
  domains: [acme.test]
  article: provider-acme
  source: https://acme.test/help
  checked: 2026-11-20
  outgoing:
    - {hostname: smtp.acme.test, port: 465, socketType: SSL}
  login: {method: password}
  rules:
    - id: limit
      text: {cs: Limit 100 zpráv denně., en: A limit of 100 messages a day.}
      source: https://acme.test/limits
      checked: 2026-11-20
      review: 2027-03-01
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "providers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _codes(found) -> list[tuple[str, str, int]]:
    return [(d.severity, d.code, d.line) for d in found]


def test_shipped_provider_data_and_articles_pass():
    found = lint_provider_facts(Path(__file__).parent.parent / "kb", today=date(2026, 12, 3))
    assert found == [], [d.format() for d in found]


def test_good_data_has_no_findings(tmp_path):
    assert lint_fact_dates(_write(tmp_path, _GOOD), today=date(2026, 12, 3)) == []


def test_a_fact_without_source_or_date_is_an_error(tmp_path):
    text = _GOOD.replace("  source: https://acme.test/help\n", "")
    text = text.replace("      checked: 2026-11-20\n      review", "      review")
    found = lint_fact_dates(_write(tmp_path, text), today=date(2026, 12, 3))
    assert ("error", "provider-fact-no-source", 1) in _codes(found)  # the entry
    assert ("error", "provider-fact-no-source", 7) in _codes(found)  # its server, which has the entry's
    assert ("error", "provider-fact-no-date", 10) in _codes(found)  # the rule: a source but no date of its own
    assert all(d.severity == "error" for d in found)


def test_an_old_fact_and_one_past_its_review_date_are_warnings(tmp_path):
    path = _write(tmp_path, _GOOD)
    found = lint_fact_dates(path, today=date(2027, 12, 1))
    assert ("warning", "provider-fact-old", 1) in _codes(found)
    assert ("warning", "provider-fact-review", 11) in _codes(found)
    assert lint_fact_dates(path, today=date(2027, 3, 1))[0].code == "provider-fact-review"


def test_a_bad_date_and_an_unknown_login_method_are_errors(tmp_path):
    text = _GOOD.replace("checked: 2026-11-20\n  outgoing", "checked: 20. 11. 2026\n  outgoing")
    text = text.replace("{method: password}", "{method: magic}")
    codes = {d.code for d in lint_fact_dates(_write(tmp_path, text), today=date(2026, 12, 3))}
    assert codes == {"provider-fact-bad-date", "provider-bad-login"}


def test_an_article_that_contradicts_the_data_is_an_error(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    for lang in ("cs", "en"):
        (kb / f"provider-acme.{lang}.md").write_text(
            "---\ntitle: Acme\nsummary: Server smtp.acme.test, or the old mail.acme-old.test.\n---\n"
            "| Field | Value |\n|---|---|\n| SMTP server | `smtp.acme.test` or `smtp.vasedomena.cz` |\n"
            "| Port | **587** or 465 |\n", encoding="utf-8")
    found = lint_articles_against_data(kb, _write(tmp_path, _GOOD))
    assert sorted((d.code, d.line, d.params.get("host") or d.params.get("port")) for d in found) == [
        ("provider-article-host", 3, "mail.acme-old.test"), ("provider-article-host", 3, "mail.acme-old.test"),
        ("provider-article-port", 8, 587), ("provider-article-port", 8, 587),
        ("provider-article-undated", 1, None), ("provider-article-undated", 1, None)]
    for lang in ("cs", "en"):  # a date the facts were checked: the article passes
        path = kb / f"provider-acme.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("| **587** or 465 |", "| 465 |")
                        + "\nChecked on 20 November 2026.\n", encoding="utf-8")
    found = lint_articles_against_data(kb, _write(tmp_path, _GOOD))
    assert {d.code for d in found} == {"provider-article-host"}


def test_the_lint_command_reports_provider_findings(tmp_path, monkeypatch):
    """The shipped data goes through `troubleshooter lint` (whole-content lint)."""
    from troubleshooter.flow.lint import lint_load
    from troubleshooter.flow.loader import load_flows

    root = Path(__file__).parent.parent
    found = lint_load(load_flows([root / "flows"]), kb_dir=root / "kb")
    assert not [d for d in found if d.code.startswith("provider-")]
    undated = _GOOD.replace("  checked: 2026-11-20\n  outgoing", "  outgoing")
    monkeypatch.setattr("troubleshooter.knowledge.provider_facts.data_path", lambda: _write(tmp_path, undated))
    found = lint_load(load_flows([root / "flows"]), kb_dir=root / "kb")
    assert "provider-fact-no-date" in {d.code for d in found}
