"""A flow as a diagram (Mermaid or Graphviz DOT), for reviewing a flow's shape at a glance.

Node kinds get their own shapes (question: diamond, input: parallelogram, probe: hexagon,
info: rectangle, end: stadium / double octagon coloured by its status); edges carry the
choice labels and probe outcome ids; a jump into another flow ends in a box named
``flow:node``. The engine-supplied "I need a person" exit is left out: every node has it.

A whole flow is drawn readable: nodes are grouped into sections (values, checks, fixes,
ends — derived from the node's kind and id), the exits of one node into the same target
are one edge with all their labels, and when a node leads to many nodes of one section
(a check's outcomes into the fixes) that is one edge into the section. ``focus`` draws a
node's neighbourhood with every edge. Usage figures (:mod:`troubleshooter.usage.stats`)
add visit counts to nodes and edges and mark where most conversations stopped.

:func:`diagram` builds one renderer-neutral :class:`Diagram`; the renderers only print it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from troubleshooter.flow.model import Flow, FlowSet, Node, NodeRef
from troubleshooter.i18n import Lang, tr

if TYPE_CHECKING:
    from troubleshooter.usage.stats import Figures

_LABEL_CHARS = 48
_EDGE_LABEL_CHARS = 60
_BUNDLE_AT = 3  # a node's edges into this many nodes of one section become one edge
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
SECTIONS = ("values", "checks", "fixes", "ends")


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: NodeRef
    label: str
    external: bool  # the target lies in another flow (or is missing from this one)


@dataclass(slots=True)
class DiagramNode:
    key: str  # node id, or flow:node for a target outside the flow
    label: str
    kind: str  # a node kind, or "external"
    status: str | None = None
    section: str | None = None
    start: bool = False
    marked: bool = False  # among the nodes where most conversations stopped


@dataclass(slots=True)
class DiagramEdge:
    source: str
    target: str  # a node key, or a section name when ``to_section``
    label: str
    external: bool = False
    to_section: bool = False  # ``target`` names a section
    from_section: bool = False  # ``source`` names a section


@dataclass(slots=True)
class Diagram:
    flow_id: str
    title: str
    nodes: dict[str, DiagramNode] = field(default_factory=dict)
    edges: list[DiagramEdge] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # section -> its title


def section_of(node: Node) -> str | None:
    """The section a node is drawn in: derived from its kind and id."""
    if node.kind == "end":
        return "ends"
    if node.id.startswith("fix-"):
        return "fixes"
    if node.kind == "probe":
        return "checks"
    if node.kind == "input":
        return "values"
    return None


def _summary(node: Node, lang: Lang) -> str:
    """A node's id and the start of its title or text, on one line."""
    shown = node.title or node.text
    words = " ".join(shown.get(lang).split()) if shown else (node.probe.name if node.probe else "")
    return f"{node.id}: {_cut(words, _LABEL_CHARS)}" if words else node.id


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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


def _target_key(edge: Edge) -> str:
    return str(edge.target) if edge.external else edge.target.node


def _neighbourhood(all_edges: list[Edge], focus: str, depth: int) -> set[str]:
    """Keys within ``depth`` steps of ``focus``, following edges either way."""
    around: dict[str, set[str]] = defaultdict(set)
    for edge in all_edges:
        around[edge.source].add(_target_key(edge))
        around[_target_key(edge)].add(edge.source)
    seen, frontier = {focus}, {focus}
    for _ in range(max(depth, 0)):
        frontier = {n for key in frontier for n in around[key]} - seen
        seen |= frontier
    return seen


def diagram(flows: FlowSet, flow_id: str, lang: Lang = "en", *, focus: str | None = None,
            depth: int = 1, bundle: bool = True, figures: Figures | None = None) -> Diagram:
    """The flow (or the neighbourhood of ``focus``) as nodes, sections and edges.

    ``KeyError`` when ``focus`` names no node of the flow.
    """
    flow = flows.flow(flow_id)
    all_edges = edges(flow, lang)
    keep: set[str] | None = None
    if focus is not None:
        if focus not in flow.nodes:
            raise KeyError(focus)
        keep = _neighbourhood(all_edges, focus, depth)
    chart = Diagram(flow.id, flow.title.get(lang))
    marked = set(figures.worst_drop_off()) if figures else set()
    for node in flow.nodes.values():
        if keep is not None and node.id not in keep:
            continue
        label = _summary(node, lang)
        ref = f"{flow.id}:{node.id}"
        if figures:
            label += f" · {figures.visits.get(ref, 0)}×"
            if ref in marked:
                label += " · " + tr("graph.stopped-here", lang, count=figures.drop_off[ref])
        section = section_of(node) if keep is None else None
        chart.nodes[node.id] = DiagramNode(node.id, label, node.kind, node.status, section,
                                           node.id == flow.start, ref in marked)
        if section:
            chart.sections.setdefault(section, tr(f"graph.section-{section}", lang))
    chart.sections = {s: chart.sections[s] for s in SECTIONS if s in chart.sections}
    kept_edges = [e for e in all_edges if keep is None or (e.source in keep and _target_key(e) in keep)]
    for edge in kept_edges:
        if edge.external and _target_key(edge) not in chart.nodes:
            key = _target_key(edge)
            chart.nodes[key] = DiagramNode(key, key, "external")
    chart.edges = _joined(kept_edges, flow.id, figures) if bundle or figures else [
        DiagramEdge(e.source, _target_key(e), e.label, e.external) for e in kept_edges]
    if bundle and keep is None:
        chart.edges = _into_sections(chart, flow.id, figures)
    return chart


def _count(figures: Figures | None, flow_id: str, source: str, target: str) -> int:
    if figures is None:
        return 0
    exits = figures.exits.get(f"{flow_id}:{source}", {})
    return exits.get(target if ":" in target else f"{flow_id}:{target}", 0)


def _joined(all_edges: list[Edge], flow_id: str, figures: Figures | None) -> list[DiagramEdge]:
    """One edge per source and target, carrying every label of the exits it stands for."""
    grouped: dict[tuple[str, str], list[Edge]] = {}
    for edge in all_edges:
        grouped.setdefault((edge.source, _target_key(edge)), []).append(edge)
    joined = []
    for (source, target), group in grouped.items():
        labels = list(dict.fromkeys(e.label for e in group if e.label))
        label = _cut(", ".join(labels), _EDGE_LABEL_CHARS)
        if figures:
            label = f"{label} ({_count(figures, flow_id, source, target)})".lstrip()
        joined.append(DiagramEdge(source, target, label, group[0].external))
    return joined


def _into_sections(chart: Diagram, flow_id: str, figures: Figures | None) -> list[DiagramEdge]:
    """Many edges between a node and one other section become one edge to or from the section:
    a check's outcomes into the fixes, the fixes' way on to the step after them."""
    def section(key: str) -> str | None:
        node = chart.nodes.get(key)
        return node.section if node else None

    outward: dict[tuple[str, str], list[DiagramEdge]] = defaultdict(list)
    inward: dict[tuple[str, str], list[DiagramEdge]] = defaultdict(list)
    for edge in chart.edges:
        source, target = section(edge.source), section(edge.target)
        if target and target != source:
            outward[(edge.source, target)].append(edge)
        elif source and source != target and not edge.external:
            inward[(source, edge.target)].append(edge)
    bundled: set[int] = set()
    result: list[DiagramEdge] = []
    for groups, to_section in ((outward, True), (inward, False)):
        for (one, other), group in groups.items():
            if len(group) < _BUNDLE_AT or any(id(e) in bundled for e in group):
                continue
            bundled.update(id(e) for e in group)
            named = ", ".join(dict.fromkeys(
                e.label.rsplit(" (", 1)[0] if figures else e.label for e in group if e.label))
            label = f"{len(group)}× " + _cut(named, _EDGE_LABEL_CHARS) if named else f"{len(group)}×"
            if figures:
                label += f" ({sum(_count(figures, flow_id, e.source, e.target) for e in group)})"
            result.append(DiagramEdge(one, other, label.strip(), to_section=to_section,
                                      from_section=not to_section))
    return [e for e in chart.edges if id(e) not in bundled] + result


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


def _class(status: str) -> str:
    return "end_" + status.replace("-", "_")


def render_mermaid(chart: Diagram) -> str:
    ids = _MermaidIds()
    lines = ["---", f'title: "{_mermaid_text(chart.title)}"', "---", "flowchart TD"]

    def node_line(node: DiagramNode) -> str:
        if node.kind == "external":
            return f'    {ids(node.key)}[["{_mermaid_text(node.label)}"]]'
        opening, closing = _MERMAID_SHAPES[node.kind]
        return f'    {ids(node.key)}{opening}"{_mermaid_text(node.label)}"{closing}'

    for node in chart.nodes.values():
        if node.section is None:
            lines.append(node_line(node))
    for section, title in chart.sections.items():
        lines.append(f'    subgraph s_{section}["{_mermaid_text(title)}"]')
        lines.extend(node_line(n) for n in chart.nodes.values() if n.section == section)
        lines.append("    end")
    for edge in chart.edges:
        target = f"s_{edge.target}" if edge.to_section else ids(edge.target)
        source = f"s_{edge.source}" if edge.from_section else ids(edge.source)
        arrow = "-.->" if edge.external else "==>" if edge.to_section or edge.from_section else "-->"
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        lines.append(f"    {source} {arrow}{label} {target}")
    for status, colour in _END_COLOURS.items():
        lines.append(f"    classDef {_class(status)} fill:{colour},stroke:#333")
    for node in chart.nodes.values():
        if node.kind == "end" and node.status:
            lines.append(f"    class {ids(node.key)} {_class(node.status)}")
        if node.start:
            lines.append(f"    style {ids(node.key)} stroke-width:3px")
    externals = [ids(n.key) for n in chart.nodes.values() if n.kind == "external"]
    if externals:
        lines.append("    classDef external stroke-dasharray: 4 3")
        lines.append(f"    class {','.join(sorted(externals))} external")
    marked = [ids(n.key) for n in chart.nodes.values() if n.marked]
    if marked:
        lines.append("    classDef dropoff stroke:#c62828,stroke-width:4px")
        lines.append(f"    class {','.join(marked)} dropoff")
    return "\n".join(lines) + "\n"


# -- Graphviz DOT ----------------------------------------------------------------------


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(chart: Diagram) -> str:
    lines = [f"digraph {_dot_text(chart.flow_id)} {{",
             f"    label={_dot_text(chart.title)};",
             "    labelloc=t;",
             "    compound=true;",
             '    node [fontname="sans-serif", style=filled, fillcolor="#ffffff"];',
             '    edge [fontname="sans-serif", fontsize=10];']

    def node_line(node: DiagramNode, indent: str = "    ") -> str:
        if node.kind == "external":
            return f"{indent}{_dot_text(node.key)} [shape=box, style=dashed, label={_dot_text(node.label)}];"
        attrs = [f"shape={_DOT_SHAPES[node.kind]}", f"label={_dot_text(node.label)}"]
        if node.kind == "end" and node.status:
            attrs.append(f'fillcolor="{_END_COLOURS[node.status]}"')
        if node.start:
            attrs.append("penwidth=2")
        if node.marked:
            attrs.append('color="#c62828", penwidth=4')
        return f"{indent}{_dot_text(node.key)} [{', '.join(attrs)}];"

    for node in chart.nodes.values():
        if node.section is None:
            lines.append(node_line(node))
    first_in: dict[str, str] = {}
    for section, title in chart.sections.items():
        lines.append(f"    subgraph {_dot_text('cluster_' + section)} {{")
        lines.append(f"        label={_dot_text(title)}; style=rounded;")
        for node in chart.nodes.values():
            if node.section == section:
                first_in.setdefault(section, node.key)
                lines.append(node_line(node, "        "))
        lines.append("    }")
    for edge in chart.edges:
        attrs = [f"label={_dot_text(edge.label)}"] if edge.label else []
        source, target = edge.source, edge.target
        if edge.to_section:
            target = first_in[edge.target]
            attrs += [f"lhead={_dot_text('cluster_' + edge.target)}", "penwidth=2"]
        if edge.from_section:
            source = first_in[edge.source]
            attrs += [f"ltail={_dot_text('cluster_' + edge.source)}", "penwidth=2"]
        if edge.external:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"    {_dot_text(source)} -> {_dot_text(target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(flows: FlowSet, flow_id: str, lang: Lang = "en", **options) -> str:
    return render_mermaid(diagram(flows, flow_id, lang, **options))


def to_dot(flows: FlowSet, flow_id: str, lang: Lang = "en", **options) -> str:
    return render_dot(diagram(flows, flow_id, lang, **options))
