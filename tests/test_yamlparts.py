"""A large YAML file is parsed in parts and re-parsed after an edit by reusing unchanged parts.

The parts are only ever a shortcut: every test compares with parsing the whole text
(``yamlio.loads``), on documents written to trip the cut.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from troubleshooter import yamlio, yamlparts
from troubleshooter.yamlio import YamlError

ENTRIES = 450  # > ENTRIES_PER_PART * 4: the file is cut into parts


def node(i: int) -> str:
    """Entries using what authors write: flow maps, block scalars, comments, lists, quotes."""
    kinds = [
        f"  n{i}:\n    kind: question\n    text: {{cs: Otázka {i}?, en: Question {i}?}}\n"
        f"    choices:\n      - {{id: a, label: {{cs: Ano, en: Yes}}, next: n{i + 1}}}\n",
        f"  n{i}:\n    # a comment inside a node\n    kind: info\n    text:\n      cs: |\n"
        f"        Řádek jedna {i}\n\n        Řádek dva\n      en: >\n        Folded {i}\n"
        f"        text\n    next: n{i + 1}\n",
        f"# a comment at column 0 between nodes\n  n{i}:\n    kind: info\n"
        f"    text: {{cs: \"uvozovky {i}\", en: 'quotes {i}'}}\n    next: n{i + 1}\n",
        f"  n{i}:\n    kind: end\n    status: resolved\n    text: {{cs: Konec, en: The end}}\n"
        f"    tags: [a, b, 0o17, 0x1f, 1e3, null, ~, true, Yes]\n",
    ]
    return kinds[i % len(kinds)]


def flow_text(count: int = ENTRIES, *, head: str = "", tail: str = "", entries=None) -> str:
    body = "".join(entries if entries is not None else (node(i) for i in range(count)))
    return (f"# yaml-language-server: $schema=x\n{head}id: big\ntitle: {{cs: Velký, en: Big}}\n"
            f"start: n0\nnodes:\n{body}{tail}")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TROUBLESHOOTER_CACHE", str(folder))
    return folder


def load_file(tmp_path: Path, text: str, meanwhile=None) -> yamlio.YamlDocument:
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")
    return yamlio.load(path, meanwhile=meanwhile)


def parts_in(cache: Path) -> set[str]:
    return {p.name for p in cache.glob("yamlpart-big-*.json")}


def test_the_big_mapping_is_cut_at_entry_lines():
    text = flow_text(tail="escalate: n1\n")
    layout = yamlparts.split(text)
    assert layout is not None and layout.key == "nodes"
    assert len(layout.parts) == 5 and len(set(layout.digests)) == 5
    assert all(part.startswith("nodes:\n  n") or part.startswith("nodes:\n# a comment")
               for part in layout.parts)
    assert layout.rest.endswith("nodes:\nescalate: n1\n")
    assert layout.rest.split("\n")[layout.key_line] == "nodes:"


def test_a_small_file_is_parsed_whole():
    assert yamlparts.split(flow_text(50)) is None


def test_parts_give_the_same_data_as_the_whole_text(tmp_path, cache):
    text = flow_text(tail="escalate: n1\n")
    doc = load_file(tmp_path, text)
    expected = yamlio.loads(text).data
    assert doc.data == expected
    assert list(doc.data) == list(expected) and list(doc.data["nodes"]) == list(expected["nodes"])
    assert len(parts_in(cache)) == 5
    again = load_file(tmp_path, text)  # unchanged: the cached entry and its parts
    assert again.data == expected


def test_after_an_edit_only_the_edited_part_is_parsed(tmp_path, cache, monkeypatch):
    text = flow_text()
    load_file(tmp_path, text)
    before = parts_in(cache)
    parsed: list[str] = []
    real_parse = yamlio._parse

    def counting_parse(part, path, *, record):
        parsed.append(part)
        return real_parse(part, path, record=record)

    monkeypatch.setattr(yamlio, "_parse", counting_parse)
    edited = text.replace("Question 300?", "Question 300, now edited?")
    doc = load_file(tmp_path, edited)
    assert doc.data == yamlio.loads(edited).data
    assert doc.data["nodes"]["n300"]["text"]["en"] == "Question 300"  # the comma ends a flow value
    node_parts = [p for p in parsed if p.startswith("nodes:\n")]
    assert len(node_parts) == 1 and "Question 300" in node_parts[0]
    assert len(parts_in(cache) - before) == 1


def test_positions_of_findings_stay_true(tmp_path, cache):
    text = flow_text()
    load_file(tmp_path, text)
    doc = load_file(tmp_path, text.replace("next: n302", "next: nowhere"))
    where = doc.where(("nodes", "n301", "next"))
    lines = doc.source_file.read_text(encoding="utf-8").split("\n") if doc.source_file else None
    assert lines is None or "nowhere" in lines[where.line - 1]
    line = text.replace("next: n302", "next: nowhere").split("\n")[where.line - 1]
    assert line.strip() == "next: nowhere" and where.col == line.index("nowhere") + 1


@pytest.mark.parametrize("case", ["alias-across-parts", "quote-on-a-cut", "key-inside-a-string",
                                  "tail-key", "flow-collection-spanning-lines"])
def test_documents_that_trip_the_cut_still_load_as_a_whole(tmp_path, cache, case):
    entries = [node(i) for i in range(ENTRIES)]
    head = tail = ""
    if case == "alias-across-parts":
        entries[1] = "  n1: &shared\n    kind: info\n    text: {cs: Sdílené, en: Shared}\n"
        entries[400] = "  n400: *shared\n"
    elif case == "quote-on-a-cut":  # a quoted scalar whose next line sits where an entry would start
        entries[99] = '  n99:\n    kind: info\n    note: "one\n  n100: two"\n'
        entries[100] = ""
    elif case == "key-inside-a-string":
        # "nodes:" and its entries are text inside a string; the real key (empty) comes later
        head = 'a: "x\nnodes:\n'
        entries = [f"  m{i}: v{i}\n" for i in range(ENTRIES)]
        tail = '"\nnodes:\n'
    elif case == "tail-key":
        tail = "escalate: n1\n# trailing comment\nextra: {a: 1}\n"
    elif case == "flow-collection-spanning-lines":
        entries[199] = "  n199: {kind: info,\n  n200: x}\n"
        entries[200] = ""
    text = flow_text(head=head, tail=tail, entries=entries)
    try:
        expected = yamlio.loads(text).data
    except YamlError as exc:
        with pytest.raises(YamlError) as raised:
            load_file(tmp_path, text)
        assert (raised.value.line, raised.value.col, raised.value.code) == (exc.line, exc.col, exc.code)
        return
    assert load_file(tmp_path, text).data == expected
    assert load_file(tmp_path, text).data == expected  # and from the cache


@pytest.mark.parametrize("work", [False, True])  # with work of the caller's on each part (meanwhile)
@pytest.mark.parametrize(("fault", "count", "fork"), [
    ("duplicate-node", ENTRIES, False), ("syntax-error-late", ENTRIES, False),
    ("syntax-error-late", 900, True),  # in the forked child's share
    ("syntax-error-early", 900, True),  # in this process's share
])
def test_errors_are_reported_where_the_whole_text_has_them(tmp_path, cache, monkeypatch, fault, count, fork,
                                                           work):
    monkeypatch.setattr(yamlparts, "_can_fork", lambda: fork and sys.platform.startswith("linux"))
    entries = [node(i) for i in range(count)]
    if fault == "duplicate-node":
        entries[420] = entries[420].replace("  n420:", "  n5:", 1)
    else:
        at = 130 if fault == "syntax-error-early" else count - 20
        entries[at] = f"  n{at}:\n    kind: [unclosed\n"
    text = flow_text(entries=entries)
    with pytest.raises(YamlError) as whole:
        yamlio.loads(text)
    if not fork:
        load_file(tmp_path, flow_text(count))  # parts of the good version are cached
    with pytest.raises(YamlError) as parted:
        load_file(tmp_path, text, meanwhile=(lambda entries: None) if work else None)
    assert (parted.value.line, parted.value.col, parted.value.code) == \
        (whole.value.line, whole.value.col, whole.value.code)
    assert not list(cache.glob(".*")), "a stopped child left a half-written cache entry"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux only")
def test_a_child_told_to_stop_never_stops_inside_a_store(tmp_path, monkeypatch):
    """The stop arrives while the child's store has a temporary file open and not yet guarded
    (the worst moment): it must take effect only once the store is done."""
    monkeypatch.setattr(yamlparts, "_can_fork", lambda: True)
    layout = yamlparts.split(flow_text(900))
    assert layout is not None
    parent = os.getpid()

    def store(digest: str, entries) -> None:
        if os.getpid() != parent:
            scratch = tmp_path / f".{digest}.tmp"
            scratch.write_text("half", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGTERM)  # as the parent does when its share fails
            scratch.unlink()

    def parse_part(part: str):
        return yamlio.loads(part).data[layout.key]

    parsed = yamlparts.parse_missing(layout, parse_part, lambda digest: False, store, lambda digest: None)
    assert parsed is None  # the child stopped: the caller parses the whole text
    assert not list(tmp_path.glob(".*")), "the child stopped inside a store"


@pytest.mark.parametrize("work", [False, True])
@pytest.mark.parametrize("fork", [False, True])
def test_an_unwritable_cache_costs_time_not_data(tmp_path, monkeypatch, fork, work):
    """With two cores the child's parts reach this process through the cache; when the cache
    cannot be written they are parsed again here."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TROUBLESHOOTER_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(yamlparts, "_can_fork", lambda: fork and sys.platform.startswith("linux"))
    text = flow_text(900)
    seen: list[str] = []
    doc = load_file(tmp_path, text, meanwhile=(lambda entries: seen.extend(entries)) if work else None)
    assert doc.data == yamlio.loads(text).data
    assert len(seen) == len(set(seen)) < 900  # the child's parts never arrived: parsed here


def test_old_parts_are_pruned_and_current_ones_kept(tmp_path, cache):
    text = flow_text()
    for i in range(6):
        text = text.replace(f"Question {i * 100 + 4}?", f"Question {i * 100 + 4} edited?")
        load_file(tmp_path, text)
    layout = yamlparts.split(text)
    assert layout is not None
    names = parts_in(cache)
    assert {f"yamlpart-big-{d}.json" for d in layout.digests} <= names
    assert len(names) <= yamlio.KEEP_PART_VERSIONS * len(layout.parts)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parallel parse forks on Linux")
def test_a_new_file_is_parsed_on_two_cores_with_the_same_result(tmp_path, cache, monkeypatch):
    monkeypatch.setattr(yamlparts, "_can_fork", lambda: True)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    text = flow_text(900)
    assert load_file(tmp_path, text).data == yamlio.loads(text).data
    assert len(forked) == 1 and len(parts_in(cache)) == 9


def test_a_process_with_threads_never_forks(monkeypatch):
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert yamlparts._can_fork() is False
    finally:
        stop.set()
        worker.join()


def test_pruning_one_file_never_touches_another_with_a_longer_name(cache):
    from troubleshooter import cache as cache_module

    for stem in ("smtp", "smtp-extra"):
        cache_module.store_cached(f"yaml-{stem}", "1-aaaaaaaa-bbbbbbbb-10", {"stem": stem})
    for n in range(5):
        cache_module.store_cached("yaml-smtp", f"1-aaaaaaaa-{n:08x}-10", {"n": n})
    assert cache_module.read_cached("yaml-smtp-extra", "1-aaaaaaaa-bbbbbbbb-10") == {"stem": "smtp-extra"}
    assert len(list(cache.glob("yaml-smtp-1-*.json"))) == cache_module.KEEP_PER_PREFIX


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parallel parse forks on Linux")
def test_nodes_built_while_the_child_parses_equal_a_plain_build(tmp_path, cache, monkeypatch):
    """The loader builds the clean nodes of this process's parts early (``meanwhile``); the
    flow and every finding are the same as from building the whole text at once, and a node
    with a finding is built (and reported) by the reporting pass."""
    from troubleshooter.flow import loader

    monkeypatch.setattr(yamlparts, "_can_fork", lambda: True)
    made: list[dict] = []
    real_prebuild = loader.prebuild

    def watched(prebuilt):
        made.append(prebuilt)
        return real_prebuild(prebuilt)

    monkeypatch.setattr(loader, "prebuild", watched)
    entries = [node(i) for i in range(900)]
    for i in (5, 450, 850):  # a finding early (this process's share) and late (the child's)
        entries[i] = f"  n{i}:\n    kind: info\n    text: {{cs: Jen česky {i}}}\n    next: n{i + 1}\n"
    entries[7] = "  n7:\n    kind: info\n    colour: red\n    text: {cs: A, en: B}\n    next: n8\n"
    text = flow_text(entries=entries)
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="utf-8")

    early = loader.load_flows([path])
    plain: list = []
    whole = loader.build_flow(yamlio.loads(text, early.documents["big"].path), plain)
    assert early.flows.flow("big").nodes == whole.nodes
    assert [(d.line, d.col, d.code) for d in early.diagnostics] == [(d.line, d.col, d.code) for d in plain]
    assert {"missing-translation", "unknown-key"} <= {d.code for d in plain}
    prebuilt = made[0]
    assert 200 <= len(prebuilt) < 900 and "n5" not in prebuilt and "n7" not in prebuilt


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parallel parse forks on Linux")
def test_the_callers_work_gets_every_part_once_its_own_and_the_childs(tmp_path, cache, monkeypatch):
    """``meanwhile`` runs on this process's parts and on each of the child's as soon as it is
    stored (one byte per part on a pipe), so the loader's work overlaps the child's parse."""
    monkeypatch.setattr(yamlparts, "_can_fork", lambda: True)
    seen: list[str] = []
    text = flow_text(900)
    assert load_file(tmp_path, text, meanwhile=seen.extend).data == yamlio.loads(text).data
    assert sorted(seen) == sorted(f"n{i}" for i in range(900))
