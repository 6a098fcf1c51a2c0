"""The one YAML loader: YAML 1.2-like scalars, duplicate keys refused, every place 1-based."""

from __future__ import annotations

import pytest

from troubleshooter import yamlio
from troubleshooter.yamlio import Position, YamlError


def test_yes_on_and_friends_stay_strings() -> None:
    doc = yamlio.loads("a: Yes\nb: ON\nc: off\nd: no\ne: y\nf: 0587\ng: 1_000\n")
    assert doc.data == {"a": "Yes", "b": "ON", "c": "off", "d": "no", "e": "y", "f": 587, "g": "1_000"}


def test_core_schema_types_still_resolve() -> None:
    doc = yamlio.loads("- true\n- False\n- null\n- ~\n- 465\n- 0x1F\n- 0o17\n- 1.5\n- .inf\n"
                       "- 'true'\n- \"1\"\n")
    assert doc.data == [True, False, None, None, 465, 31, 15, 1.5, float("inf"), "true", "1"]


def test_every_spelling_of_the_core_schema_words() -> None:
    """Each spelling the core schema lists (and only those): a look-up table, so each is checked."""
    doc = yamlio.loads("[TRUE, True, FALSE, Null, NULL, '', tRUE, nULL, NaN, n1, next,"
                       " .NaN, -.Inf, .INF, .Nan]")
    assert doc.data[:10] == [True, True, False, None, None, "", "tRUE", "nULL", "NaN", "n1"]
    assert doc.data[10] == "next"
    nan, minus_inf, inf, odd = doc.data[11:]
    assert nan != nan and minus_inf == float("-inf") and inf == float("inf")  # no crash on .NaN
    assert odd == ".Nan"  # not one of the spellings: a string


@pytest.mark.parametrize(("text", "found"), [
    ("a: !!int 5", 5), ("a: !!int 0x1F", 31), ("a: !!float 1", 1.0), ("a: !!bool TRUE", True),
    ("a: !!null ~", None), ("a: !!str 5", "5"),
])
def test_an_explicit_tag_that_fits_gives_its_type(text: str, found) -> None:
    assert yamlio.loads(text).data == {"a": found}


@pytest.mark.parametrize(("text", "says"), [
    ("a: !!int next", "'next' is not an integer"), ("a: !!float label", "'label' is not a number"),
    ("a: !!bool yes", "'yes' is not true or false"), ("a: !!null no", "'no' is not null"),
    ("a: !!int 1_000", "'1_000' is not an integer"),
])
def test_an_explicit_tag_that_does_not_fit_is_a_located_error(text: str, says: str) -> None:
    """Found by fuzzing: these raised ValueError out of the loader (or read yes as false)."""
    with pytest.raises(YamlError) as error:
        yamlio.loads(text, "f.yaml")
    found = error.value
    assert (found.line, found.col, found.code, found.message) == (1, 4, "yaml-tag", says)


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("nodes:\n  a: 1\n  b: 2\n  a: 3\n", "f.yaml")
    assert (caught.value.path, caught.value.line, caught.value.col) == ("f.yaml", 4, 3)
    assert caught.value.code == "duplicate-key"
    assert "first defined at line 2" in caught.value.message


def test_duplicate_key_inside_a_flow_mapping() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("text: {cs: a, en: b, cs: c}\n")
    assert (caught.value.line, caught.value.col, caught.value.code) == (1, 22, "duplicate-key")


def test_broken_indentation_reports_line_and_column() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("a:\n  b: 1\n    c: 2\n", "f.yaml")
    assert (caught.value.line, caught.value.col, caught.value.code) == (3, 6, "yaml-syntax")
    assert str(caught.value).startswith("f.yaml:3:6: ")


def test_positions_of_values_and_keys() -> None:
    doc = yamlio.loads("# comment\nid: x\nnodes:\n  start:\n    kind: info\n    choices:\n      - {id: a}\n")
    assert doc.where(("id",)) == Position(2, 5)
    assert doc.where(("nodes", "start"), prefer_key=True) == Position(4, 3)
    assert doc.where(("nodes", "start")) == Position(5, 5)
    assert doc.where(("nodes", "start", "choices", 0, "id")) == Position(7, 14)
    # an unknown path falls back to the nearest enclosing value
    assert doc.where(("nodes", "start", "missing")) == Position(5, 5)
    assert doc.first_line == "# comment"


def test_more_than_one_document_is_refused() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("a: 1\n---\nb: 2\n")
    assert (caught.value.line, caught.value.code) == (2, "yaml-syntax")


def test_unsupported_tag_and_complex_key() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("a: !!binary aGk=\n")
    assert (caught.value.line, caught.value.col, caught.value.code) == (1, 4, "yaml-tag")
    with pytest.raises(YamlError) as caught:
        yamlio.loads("? [a]\n: 1\n")
    assert caught.value.code == "yaml-key"


def test_anchors_and_empty_document() -> None:
    assert yamlio.loads("x: &a {k: v}\ny: *a\n").data == {"x": {"k": "v"}, "y": {"k": "v"}}
    assert yamlio.loads("x: &a text\ny: *a\n").data == {"x": "text", "y": "text"}
    assert yamlio.loads("").data is None


BILLION_LAUGHS = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
ANCHOR_CHAIN = "c0: &c0 [x, x]\n" + "".join(f"c{i}: &c{i} [*c{i - 1}, *c{i - 1}]\n" for i in range(1, 41))


@pytest.mark.parametrize(("text", "where"), [(BILLION_LAUGHS, (5, 10)), (ANCHOR_CHAIN, (12, 12)),
                                             ("a: &a [x, *a]\n", (1, 11))],
                         ids=["billion-laughs", "40-deep-chain", "recursive"])
def test_an_alias_bomb_is_a_located_error(text, where) -> None:
    """An alias bomb expands in whatever walks the data next (lint, the JSON cache): refused
    where the aliases pass the budget, or where an alias stands inside its own anchor."""
    with pytest.raises(YamlError) as caught:
        yamlio.loads(text)
    assert ((caught.value.line, caught.value.col), caught.value.code) == (where, "yaml-alias")


def test_a_huge_integer_and_deep_nesting_are_located_errors() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("id: f\nport: " + "9" * 100_000 + "\n")
    assert (caught.value.line, caught.value.col, caught.value.code) == (2, 7, "yaml-number")
    with pytest.raises(YamlError) as caught:
        yamlio.loads("x: " + "[" * 100 + "]" * 100 + "\n")
    assert caught.value.code == "yaml-depth"


def test_lint_of_an_alias_bomb_ends_with_a_located_error(tmp_path) -> None:
    import subprocess
    import sys

    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "bomb.yaml").write_text("id: bomb\n" + BILLION_LAUGHS, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "troubleshooter", "lint", "--flows", str(flows),
                           "--lang", "en"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "bomb.yaml:6:10: error yaml-alias" in done.stdout


def test_not_utf8_is_a_located_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: \xff\n")
    with pytest.raises(YamlError) as caught:
        yamlio.load(bad, "bad.yaml")
    assert (caught.value.path, caught.value.code) == ("bad.yaml", "encoding")


def test_merge_keys_are_refused() -> None:
    with pytest.raises(YamlError) as caught:
        yamlio.loads("base: {a: 1}\nx:\n  !!merge <<: {b: 2}\n")
    assert (caught.value.line, caught.value.col, caught.value.code) == (3, 3, "yaml-merge")


def test_without_libyaml_every_command_says_how_to_fix_it(monkeypatch, tmp_path, capsys) -> None:
    """PyYAML's pure-Python scanner reads the shipped flow differently (YAML 1.1: a plain scalar
    in a flow mapping ends at ``?``), so the loader has one path: libyaml, or a clear error."""
    import yaml

    from troubleshooter import cli

    monkeypatch.setattr(yaml, "__with_libyaml__", False)
    yamlio._yaml.cache_clear()
    monkeypatch.setenv("TROUBLESHOOTER_CACHE", str(tmp_path / "cache"))  # nothing cached: must parse
    try:
        with pytest.raises(yamlio.LibyamlMissing):
            yamlio.loads("a: {en: Is SMTP on?, cs: Je SMTP zapnuté?}\n")
        assert cli.main(["lint", "--lang", "en"]) == 70
    finally:
        yamlio._yaml.cache_clear()
    err = capsys.readouterr().err
    assert "needs PyYAML built with libyaml" in err and "potřebuje PyYAML s libyaml" in err
    assert "Traceback" not in err
