"""One vocabulary: the glossary's discouraged variants are found in any Czech inflection, quoted
labels are left alone, and the shipped content uses the glossary's terms."""

from __future__ import annotations

from pathlib import Path

from troubleshooter.knowledge.glossary import find_discouraged, lint_glossary, load_glossary
from troubleshooter.yamlio import yaml_files

ROOT = Path(__file__).resolve().parent.parent


def _found(text: str, lang: str = "cs") -> list[str]:
    return [v.text for _, v in find_discouraged(text, lang, load_glossary())]


def test_the_glossary_table_is_read():
    variants = load_glossary()
    assert {("cs", "uživatelské jméno"), ("cs", "heslo pro aplikace"), ("en", "travel readable")} <= {
        (v.lang, v.text) for v in variants}
    assert next(v for v in variants if v.text == "uživatelské jméno").preferred == "přihlašovací jméno"


def test_czech_inflection_is_handled():
    assert _found("Zkontrolujte uživatelské jméno.") == ["uživatelské jméno"]
    assert _found("Bez uživatelského jména to nepůjde.") == ["uživatelské jméno"]
    assert _found("S uživatelským jménem a heslem pro aplikaci.") == ["uživatelské jméno", "heslo pro aplikace"]
    assert _found("Server poštu přeposílá.") == ["přeposíl*"]  # a form the lemmatiser does not know
    assert _found("Server ji odmítl přeposlat.") == ["přeposlat"]
    assert _found("ověřeno na živém serveru") == ["živý server"]
    assert _found("so the password does not travel readable", "en") == ["travel readable"]


def test_informal_address_is_found_and_formal_address_is_not():
    assert _found("Najdi správné hodnoty a porovnej je s mými.") == ["=najdi", "=porovnej"]
    assert _found("Najděte správné hodnoty a porovnejte je s mými. Zkuste to znovu.") == []


def test_preferred_terms_quotes_and_placeholders_pass():
    assert _found("Zadejte přihlašovací jméno a heslo aplikace.") == []
    assert _found("Seznam ho nazývá „heslo pro aplikace“.") == []
    assert _found('Google calls it "application password".', "en") == []
    assert _found("Přihlašovací jméno: {login}") == []
    assert _found("`Relay access denied` – uživatelské", "cs") == []


def test_lint_reports_file_line_and_column(tmp_path):
    flows = tmp_path / "flows.yaml"
    flows.write_text("nodes:\n  a:\n    text: {cs: Zadejte uživatelské jméno., en: Enter the username.}\n",
                     encoding="utf-8")
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "x.cs.md").write_text("---\ntitle: X\nsummary: S\nkeywords: [uživatelské jméno]\n---\n"
                                "Heslo pro aplikace zadejte bez mezer.\n", encoding="utf-8")
    places = sorted((Path(d.path).name, d.line, d.col, d.severity, d.code) for d in lint_glossary([flows], kb))
    assert places == [("flows.yaml", 3, 16, "warning", "glossary-discouraged"),  # the text's place
                      ("x.cs.md", 6, 1, "warning", "glossary-discouraged")]


def test_shipped_content_uses_the_glossary_terms():
    found = lint_glossary(yaml_files([ROOT / "flows"]), ROOT / "kb")
    assert found == [], [d.format() for d in found]


def test_troubleshooter_lint_warns_on_a_discouraged_term(tmp_path):
    from troubleshooter.flow.lint import lint_load
    from troubleshooter.flow.loader import load_flows

    text = (ROOT / "tests" / "fixtures" / "flows" / "mini.yaml").read_text(encoding="utf-8")
    flow = tmp_path / "mini.yaml"
    flow.write_text(text.replace("Přihlašovací jméno?", "Uživatelské jméno?"), encoding="utf-8")
    found = [d for d in lint_load(load_flows([flow]), kb_dir=ROOT / "kb") if d.code == "glossary-discouraged"]
    assert [(d.severity, d.line) for d in found] == [("warning", 28)]
