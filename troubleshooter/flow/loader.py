"""Build :mod:`troubleshooter.flow.model` objects from YAML, reporting every problem with its place.

Loading never raises for bad content: each problem becomes a :class:`Diagnostic` and the
rest of the file is still read, so a maintainer sees all mistakes at once. A node that
cannot be built is left out of the flow (lint reports the targets that then dangle).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct, field

from troubleshooter import yamlio
from troubleshooter.diagnostics import Diagnostic
from troubleshooter.flow.model import (
    CHECK_AGAIN,
    CONTINUE,
    END_STATUSES,
    ESCALATE,
    INPUT_KINDS,
    NODE_KINDS,
    PROVIDER_ARTICLE,
    Choice,
    Flow,
    FlowSet,
    InputSpec,
    Node,
    ProbeCall,
    Variant,
)
from troubleshooter.i18n import LANGS, Text

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
SCHEMA_MODELINE = "# yaml-language-server: $schema="
_FLOW_KEYS = {"id", "title", "start", "nodes", "escalate", "description"}
_NODE_KEYS = {
    "question": {"kind", "title", "text", "article", "choices", "store", "variants"},
    "input": {"kind", "title", "text", "article", "input", "next", "variants"},
    "probe": {"kind", "title", "text", "article", "probe", "args", "outcomes", "default", "variants"},
    "info": {"kind", "title", "text", "article", "next", "variants"},
    "end": {"kind", "title", "text", "article", "status", "variants"},
}
_CHOICE_KEYS = {"id", "label", "next", "adopt", "given"}
_VARIANT_KEYS = {"when", "text", "labels", "article", "hide"}
_INPUT_KEYS = {"name", "kind", "secret", "optional"}
_REQUIRED = {
    "question": ("text", "choices"),
    "input": ("text", "input", "next"),
    "probe": ("probe",),
    "info": ("next",),
    "end": ("status", "text"),
}
_REQUIRED_SETS = {kind: frozenset(names) for kind, names in _REQUIRED.items()}


class FlowLoad(Struct):
    """The flows that could be built, the parsed documents (for positions) and all findings."""

    flows: FlowSet = field(default_factory=FlowSet)
    documents: dict[str, yamlio.YamlDocument] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Reader:
    def __init__(self, doc: yamlio.YamlDocument, diagnostics: list[Diagnostic]) -> None:
        self.doc = doc
        self.diagnostics = diagnostics

    def report(self, key: tuple, code: str, severity: str = "error", /, *, at_key: bool = False,
               **params: Any) -> None:
        pos = self.doc.where(key, prefer_key=at_key)
        self.diagnostics.append(
            Diagnostic(self.doc.path, pos.line, pos.col, severity, code, params)  # type: ignore[arg-type]
        )

    def mapping(self, value: Any, key: tuple, what: str) -> dict | None:
        if isinstance(value, dict):
            return value
        self.report(key, "not-a-mapping", what=what)
        return None

    # The value checks take where the value sits as (parent key, name): the full key is built
    # only for a report, since a clean file never needs one (a tuple per field adds up).

    def string(self, value: Any, parent: tuple, name: str | int, field_name: str | None = None) -> str | None:
        if isinstance(value, str) and (text := value.strip()):
            return text
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        self.report((*parent, name), "not-a-string", field=field_name or name)
        return None

    def ident(self, value: Any, parent: tuple, name: str) -> str | None:
        text = self.string(value, parent, name)
        if text is not None and not ID_PATTERN.match(text):
            self.report((*parent, name), "bad-id", id=text)
        return text

    def text(self, value: Any, parent: tuple, name: str) -> Text | None:
        if type(value) is dict and len(value) == 2:  # the common, correct case, quickly
            cs, en = value.get("cs"), value.get("en")
            if type(cs) is str and type(en) is str:
                cs, en = cs.strip(), en.strip()
                if cs and en:
                    return Text(cs, en)
        key, field_name = (*parent, name), name
        table = self.mapping(value, key, f"{field_name} (a map with cs and en)")
        if table is None:
            return None
        parts: dict[str, str] = {}
        for lang in LANGS:
            if lang not in table:
                self.report(key, "missing-translation", field=field_name, lang=lang)
                continue
            item = table[lang]
            if not isinstance(item, str):
                self.report((*key, lang), "not-text", field=field_name, lang=lang,
                            found=type(item).__name__)
            elif not item.strip():
                self.report((*key, lang), "empty-translation", field=field_name, lang=lang)
            else:
                parts[lang] = item.strip()
        for extra in table.keys() - set(LANGS):
            self.report((*key, extra), "unknown-language", "warning", at_key=True, lang=extra)
        if len(parts) != len(LANGS):
            return None
        return Text(cs=parts["cs"], en=parts["en"])

    def tables(self, items: list, key: tuple, what: str, allowed: set[str]) -> Iterator[tuple[tuple, dict]]:
        """Each mapping of a list, with its key; a non-mapping and unknown keys are reported."""
        for i, item in enumerate(items):
            item_key = (*key, i)
            table = self.mapping(item, item_key, what)
            if table is not None:
                self.unknown_keys(table, allowed, item_key)
                yield item_key, table

    def unknown_keys(self, table: dict, allowed: set[str], key: tuple) -> None:
        if table.keys() <= allowed:
            return
        for name in sorted(table.keys() - allowed):
            self.report((*key, name), "unknown-key", at_key=True, key=name,
                        allowed=", ".join(sorted(allowed)))


def _choices(reader: _Reader, raw: Any, key: tuple) -> tuple[Choice, ...]:
    if not isinstance(raw, list) or not raw:
        reader.report(key, "no-choices")
        return ()
    built: list[Choice] = []
    seen: set[str] = set()
    for ckey, table in reader.tables(raw, key, "choice", _CHOICE_KEYS):
        for required in ("id", "label", "next"):
            if required not in table:
                reader.report(ckey, "missing-field", field=required)
        cid = reader.ident(table.get("id"), ckey, "id") if "id" in table else None
        label = reader.text(table.get("label"), ckey, "label") if "label" in table else None
        target = reader.string(table.get("next"), ckey, "next") if "next" in table else None
        if cid in (ESCALATE, CONTINUE, CHECK_AGAIN):
            reader.report((*ckey, "id"), "reserved-id", id=cid)
            continue
        if cid in seen:
            reader.report((*ckey, "id"), "duplicate-id", id=cid, what="choice")
            continue
        if cid and label and target:
            seen.add(cid)
            given = _given(reader, table["given"], (*ckey, "given")) if "given" in table else {}
            built.append(Choice(cid, label, target, adopt=table.get("adopt") is True, given=given))
    return tuple(built)


def _given(reader: _Reader, raw: Any, key: tuple) -> dict[str, tuple[str, ...]]:
    """``given: {port: "465", security: [starttls, none]}``: a value, or a list of values."""
    given: dict[str, tuple[str, ...]] = {}
    if raw is None or reader.mapping(raw, key, "given (value name: value or list of values)") is None:
        return given
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        found = [reader.string(v, key, name, f"given.{name}") for v in values]
        if values and all(v is not None for v in found):
            given[str(name)] = tuple(str(v) for v in found)
    return given


def _input(reader: _Reader, raw: Any, key: tuple) -> InputSpec | None:
    table = reader.mapping(raw, key, "input")
    if table is None:
        return None
    reader.unknown_keys(table, _INPUT_KEYS, key)
    name = reader.ident(table.get("name"), key, "name")
    kind = table.get("kind", "text")
    if kind not in INPUT_KINDS:
        reader.report((*key, "kind"), "bad-enum", field="kind", value=kind,
                      allowed=", ".join(INPUT_KINDS))
        return None
    secret = table.get("secret", kind == "password")
    if kind == "password" and secret is False:
        reader.report((*key, "secret"), "password-not-secret")
        secret = True
    if name is None:
        return None
    return InputSpec(name, kind, bool(secret), bool(table.get("optional", False)))


def _store(reader: _Reader, raw: Any, key: tuple) -> InputSpec | None:
    """``store: name`` or ``store: {name: security, kind: security}`` on a question."""
    if isinstance(raw, str):
        name = reader.ident(raw, key[:-1], "store")
        return InputSpec(name, "text") if name else None
    spec = _input(reader, raw, key)
    if spec is not None and spec.secret:
        reader.report(key, "password-not-secret")
        return None
    return spec


def _variants(reader: _Reader, raw: Any, key: tuple, choices: tuple[Choice, ...]) -> tuple[Variant, ...]:
    """``variants: [{when: {site: wordpress}, text: {…}, labels: {choice-id: {…}}, article: id,
    hide: [choice-id]}]``."""
    if not isinstance(raw, list):
        reader.report(key, "not-a-mapping", what="variants (a list of {when, text, labels})")
        return ()
    built: list[Variant] = []
    choice_ids = {c.id for c in choices}
    for vkey, table in reader.tables(raw, key, "variant", _VARIANT_KEYS):
        when: dict[str, str] = {}
        raw_when = table.get("when")
        if reader.mapping(raw_when, (*vkey, "when"), "when (value name: value)") is not None:
            for name, value in raw_when.items():
                found = reader.string(value, (*vkey, "when"), name, f"when.{name}")
                if found is not None:
                    when[str(name)] = found
        text = reader.text(table["text"], vkey, "text") if "text" in table else None
        labels: dict[str, Text] = {}
        raw_labels = table.get("labels", {})
        if reader.mapping(raw_labels, (*vkey, "labels"), "labels (choice id: text)") is not None:
            for cid, label in raw_labels.items():
                if cid not in choice_ids:
                    reader.report((*vkey, "labels", cid), "unknown-choice", at_key=True, id=cid)
                    continue
                found_label = reader.text(label, (*vkey, "labels"), cid)
                if found_label is not None:
                    labels[str(cid)] = found_label
        article = None
        if "article" in table:
            raw_article = table["article"]
            article = (raw_article if raw_article == PROVIDER_ARTICLE
                       else reader.ident(raw_article, vkey, "article"))
        hide: list[str] = []
        raw_hide = table.get("hide", [])
        if not isinstance(raw_hide, list):
            reader.report((*vkey, "hide"), "not-a-mapping", what="hide (a list of choice ids)")
            raw_hide = []
        for i, cid in enumerate(raw_hide):
            if cid not in choice_ids:
                reader.report((*vkey, "hide", i), "hide-unknown-choice", id=cid)
            else:
                hide.append(str(cid))
        if when:
            built.append(Variant(when, text, labels, article, tuple(hide)))
    return tuple(built)


def _probe(reader: _Reader, table: dict, key: tuple) -> ProbeCall | None:
    name = reader.string(table.get("probe"), key, "probe")
    args: dict[str, str] = {}
    raw_args = table.get("args", {})
    if reader.mapping(raw_args, (*key, "args"), "args") is not None:
        for param, value in raw_args.items():
            text = reader.string(value, (*key, "args"), param, f"args.{param}")
            if text is not None:
                args[param] = text
    outcomes: dict[str, str] = {}
    raw_outcomes = table.get("outcomes", {})
    if reader.mapping(raw_outcomes, (*key, "outcomes"), "outcomes") is not None:
        for outcome, target in raw_outcomes.items():
            text = reader.string(target, (*key, "outcomes"), outcome, f"outcomes.{outcome}")
            if text is not None:
                outcomes[outcome] = text
    default = None
    if "default" in table:
        default = reader.string(table["default"], key, "default")
    if not outcomes and default is None:
        reader.report(key, "no-outcomes")
    return ProbeCall(name, args, outcomes, default) if name else None


def _node(reader: _Reader, node_id: str, raw: Any, key: tuple) -> Node | None:
    table = reader.mapping(raw, key, "node")
    if table is None:
        return None
    kind = table.get("kind")
    if kind not in NODE_KINDS:
        where = (*key, "kind") if "kind" in table else key
        reader.report(where, "bad-enum", field="kind", value=kind, allowed=", ".join(NODE_KINDS))
        return None
    reader.unknown_keys(table, _NODE_KEYS[kind], key)
    required = _REQUIRED[kind]
    missing = [] if table.keys() >= _REQUIRED_SETS[kind] else [name for name in required if name not in table]
    for name in missing:
        reader.report(key, "missing-field", field=name)
    if kind == "info" and "text" not in table and "article" not in table:
        reader.report(key, "missing-field", field="text")
    text = reader.text(table["text"], key, "text") if "text" in table else None
    title = reader.text(table["title"], key, "title") if "title" in table else None
    article = reader.ident(table["article"], key, "article") if "article" in table else None
    nxt = reader.string(table["next"], key, "next") if "next" in table else None
    choices: tuple[Choice, ...] = ()
    store = spec = probe = status = None
    if kind == "question":
        choices = _choices(reader, table.get("choices"), (*key, "choices"))
        if "store" in table:
            store = _store(reader, table["store"], (*key, "store"))
    elif kind == "input" and "input" in table:
        spec = _input(reader, table["input"], (*key, "input"))
        if spec is None:
            return None
    elif kind == "probe":
        probe = _probe(reader, table, key)
        if probe is None:
            return None
    elif kind == "end" and "status" in table:
        status = table["status"]
        if status not in END_STATUSES:
            reader.report((*key, "status"), "bad-enum", field="status", value=status,
                          allowed=", ".join(END_STATUSES))
            return None
    if missing or ("text" in table and text is None):
        return None
    variants = _variants(reader, table["variants"], (*key, "variants"), choices) if "variants" in table else ()
    # Keywords, not **fields: unpacking a dict into the call doubled the cost of a node.
    return Node(node_id, kind, text=text, title=title, article=article, next=nxt, choices=choices,
                store=store, input=spec, probe=probe, status=status, variants=variants)


def build_flow(doc: yamlio.YamlDocument, diagnostics: list[Diagnostic]) -> Flow | None:
    """Turn one parsed file into a :class:`Flow`; problems go to ``diagnostics``."""
    reader = _Reader(doc, diagnostics)
    if not doc.first_line.startswith(SCHEMA_MODELINE):
        reader.report((), "no-schema-modeline", "warning")
    table = reader.mapping(doc.data, (), "flow")
    if table is None:
        return None
    reader.unknown_keys(table, _FLOW_KEYS, ())
    for required in ("id", "title", "start", "nodes"):
        if required not in table:
            reader.report((), "missing-field", field=required)
    flow_id = reader.ident(table.get("id"), (), "id") if "id" in table else None
    title = reader.text(table.get("title"), (), "title") if "title" in table else None
    start = reader.string(table.get("start"), (), "start") if "start" in table else None
    escalate = reader.string(table["escalate"], (), "escalate") if "escalate" in table else None
    nodes: dict[str, Node] = {}
    raw_nodes = table.get("nodes")
    if "nodes" in table and reader.mapping(raw_nodes, ("nodes",), "nodes") is not None:
        for node_id, raw in raw_nodes.items():
            if not ID_PATTERN.match(node_id):
                reader.report(("nodes", node_id), "bad-id", at_key=True, id=node_id)
                continue
            node = _node(reader, node_id, raw, ("nodes", node_id))
            if node is not None:
                nodes[node_id] = node
    if flow_id is None or title is None or start is None:
        return None
    return Flow(flow_id, title, start, nodes, path=doc.path, escalate=escalate)


def load_flows(paths: Iterable[str | os.PathLike[str]], display=None) -> FlowLoad:
    """Load every flow file under ``paths``; ``display`` maps a Path to the name messages show."""
    from troubleshooter.content import display_path

    shown = display or display_path
    result = FlowLoad()
    first_seen: dict[str, str] = {}
    for path in yamlio.yaml_files(paths):
        try:
            doc = yamlio.load(path, shown(path))
        except yamlio.YamlError as exc:
            result.diagnostics.append(
                Diagnostic(exc.path, exc.line, exc.col, "error", exc.code, {"detail": exc.message})
            )
            continue
        flow = build_flow(doc, result.diagnostics)
        if flow is None:
            continue
        if flow.id in result.flows:
            pos = doc.where(("id",))
            result.diagnostics.append(Diagnostic(
                doc.path, pos.line, pos.col, "error", "duplicate-id",
                {"id": flow.id, "what": f"flow (also in {first_seen[flow.id]})"},
            ))
            continue
        first_seen[flow.id] = doc.path
        result.flows.flows[flow.id] = flow
        result.documents[flow.id] = doc
    return result
