"""A flow as a diagram (Mermaid or Graphviz DOT), for reviewing a flow's shape at a glance.

Node kinds get their own shapes (question: diamond, input: parallelogram, probe: hexagon,
info: rectangle, end: stadium / double octagon coloured by its status); edges carry the
choice labels and probe outcome ids; a jump into another flow ends in a box named
``flow:node``. The engine-supplied "I need a person" exit is left out: every node has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from troubleshooter.flow.model import Flow, FlowSet, Node, NodeRef
from troubleshooter.i18n import Lang

_LABEL_CHARS = 48
_END_COLOURS = {"resolved": "#c8e6c9", "not-resolved": "#ffcdd2", "escalate": "#ffe0b2"}
_MERMAID_SHAPES = {
    "question": ("{", "}"),
    "input": ("[/", "/]"),
    "probe": ("{{", "}}"),
    "info": ("[", "]"),
    "end": ("([", "])"),
}
_DOT_SHAPES = {
    "question": "diamond",
    "input": "parallelogram",
    "probe": "hexagon",
    "info": "box",
    "end": "doubleoctagon",
}


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: NodeRef
    label: str
    external: bool  # the target lies in another flow (or is missing from this one)


def _summary(node: Node, lang: Lang) -> str:
    """A node's id and the start of its title or text, on one line."""
    shown = node.title or node.text
    words = " ".join(shown.get(lang).split()) if shown else (node.probe.name if node.probe else "")
    if len(words) > _LABEL_CHARS:
        words = words[: _LABEL_CHARS - 1].rstrip() + "…"
    return f"{node.id}: {words}" if words else node.id


def edges(flow: Flow, lang: Lang) -> list[Edge]:
    """Every authored way out of every node, labelled for the diagram."""
    found: list[Edge] = []
    for node in flow.nodes.values():
        labelled: list[tuple[str, str]] = []
        if node.next:
            labelled.append(("", node.next))
        labelled.extend((choice.label.get(lang), choice.next) for choice in node.choices)
        if node.probe:
            labelled.extend(node.probe.outcomes.items())
            if node.probe.default:
                labelled.append(("default", node.probe.default))
        for label, target in labelled:
            ref = NodeRef.parse(target, flow.id)
            external = ref.flow != flow.id or ref.node not in flow.nodes
            found.append(Edge(node.id, ref, label, external))
    return found


# -- Mermaid ---------------------------------------------------------------------------


def _mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: quotes and markup characters as entity codes."""
    return (text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;")
            .replace(">", "#gt;").replace("\n", " "))


class _MermaidIds:
    """Node ids safe for Mermaid (``end``, ``-`` or ``.`` in an id break its parser)."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self.ids:
            base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", key)
            candidate, n = base, 1
            while candidate in self.ids.values():
                n += 1
                candidate = f"{base}_{n}"
            self.ids[key] = candidate
        return self.ids[key]


def to_mermaid(flows: FlowSet, flow_id: str, lang: Lang = "en") -> str:
    flow = flows.flow(flow_id)
    ids = _MermaidIds()
    lines = ["---", f'title: "{_mermaid_text(flow.title.get(lang))}"', "---", "flowchart TD"]
    for node in flow.nodes.values():
        opening, closing = _MERMAID_SHAPES[node.kind]
        lines.append(f'    {ids(node.id)}{opening}"{_mermaid_text(_summary(node, lang))}"{closing}')
    externals: set[str] = set()
    for edge in edges(flow, lang):
        target = str(edge.target) if edge.external else edge.target.node
        if edge.external and target not in externals:
            externals.add(target)
            lines.append(f'    {ids(target)}[["{_mermaid_text(target)}"]]')
        arrow = "-.->" if edge.external else "-->"
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"    {ids(edge.source)} {arrow}{label} {ids(target)}")
    for status, colour in _END_COLOURS.items():
        lines.append(f"    classDef {_class(status)} fill:{colour},stroke:#333")
    for node in flow.nodes.values():
        if node.kind == "end" and node.status:
            lines.append(f"    class {ids(node.id)} {_class(node.status)}")
    lines.append(f"    style {ids(flow.start)} stroke-width:3px")
    if externals:
        lines.append("    classDef external stroke-dasharray: 4 3")
        lines.append(f"    class {','.join(ids(t) for t in sorted(externals))} external")
    return "\n".join(lines) + "\n"


def _class(status: str) -> str:
    return "end_" + status.replace("-", "_")


# -- Graphviz DOT ----------------------------------------------------------------------


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(flows: FlowSet, flow_id: str, lang: Lang = "en") -> str:
    flow = flows.flow(flow_id)
    lines = [f"digraph {_dot_text(flow.id)} {{",
             f"    label={_dot_text(flow.title.get(lang))};",
             "    labelloc=t;",
             '    node [fontname="sans-serif", style=filled, fillcolor="#ffffff"];',
             '    edge [fontname="sans-serif", fontsize=10];']
    for node in flow.nodes.values():
        attrs = [f"shape={_DOT_SHAPES[node.kind]}", f"label={_dot_text(_summary(node, lang))}"]
        if node.kind == "end" and node.status:
            attrs.append(f'fillcolor="{_END_COLOURS[node.status]}"')
        if node.id == flow.start:
            attrs.append("penwidth=2")
        lines.append(f"    {_dot_text(node.id)} [{', '.join(attrs)}];")
    externals: set[str] = set()
    for edge in edges(flow, lang):
        target = str(edge.target) if edge.external else edge.target.node
        if edge.external and target not in externals:
            externals.add(target)
            lines.append(f"    {_dot_text(target)} [shape=box, style=dashed, label={_dot_text(target)}];")
        attrs = [f"label={_dot_text(edge.label)}"] if edge.label else []
        if edge.external:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"    {_dot_text(edge.source)} -> {_dot_text(target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
