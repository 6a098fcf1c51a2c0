"""Semantic checks of flows: what the loader cannot see one node at a time.

The loader reports what is wrong inside a node (syntax, fields, translations). Lint adds
what needs the whole set of flows: targets that lead nowhere, nodes nobody can reach,
nodes that lead nowhere, cycles no end can be reached from, probe calls that do not fit the
probe registry, values no input stores, article ids with no article. The graph is read from
the parsed documents rather than the built model, so a node the loader had to drop (say,
for a missing translation) still counts as a target and does not set off a cascade of
dangling-target findings.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from troubleshooter.diagnostics import Diagnostic
from troubleshooter.flow import provider_text
from troubleshooter.flow.loader import ID_PATTERN, FlowLoad, load_flows
from troubleshooter.flow.model import ESCALATE_NODE, NODE_KINDS, PROVIDER_ARTICLE, Flow, Node
from troubleshooter.flow.probes import REGISTRY
from troubleshooter.i18n import Text
from troubleshooter.probes.registry import ProbeParam
from troubleshooter.safe_text import control_characters, visible_line
from troubleshooter.yamlio import YamlDocument, yaml_files

_ARTICLE_SUFFIXES = (".cs.md", ".en.md")
_TO_PERSON = -1  # a target that is the engine's "I need a person": a way out, not a node


@dataclass(slots=True)
class _Linter:
    """The checks that need every loaded flow at once; findings collect in ``found``.

    The graph is walked by node number: a node's flow, id, kind and authored mapping sit at its
    number in parallel lists, its resolved targets in ``edges``. A 10,000-node flow is walked
    three times; hashing (flow, node) pairs, and an object per node and per target, were most
    of what that cost.
    """

    load: FlowLoad
    incomplete: bool  # some flow file could not be built: unknown flow ids may live there
    found: list[Diagnostic] = field(default_factory=list)
    flow_of: list[str] = field(default_factory=list)  # by node number
    id_of: list[str] = field(default_factory=list)
    raw_of: list[Any] = field(default_factory=list)  # the node as authored, built or not
    index: dict[str, dict[str, int]] = field(default_factory=dict)  # flow -> node -> number

    def report(self, flow_id: str, key: tuple, code: str, severity: str = "error", /, *,
               at_key: bool = False, **params: Any) -> None:
        doc = self.load.documents[flow_id]
        pos = doc.where(key, prefer_key=at_key)
        self.found.append(Diagnostic(doc.path, pos.line, pos.col, severity, code, params))  # type: ignore[arg-type]

    # -- the graph -------------------------------------------------------------------

    def read_graph(self) -> None:
        flow_of, id_of, raw_of = self.flow_of, self.id_of, self.raw_of
        for flow in self.load.flows:
            raw_nodes = self.load.documents[flow.id].data.get("nodes")
            if not isinstance(raw_nodes, dict):
                continue
            numbers = self.index.setdefault(flow.id, {})
            built = flow.nodes  # their ids are well-formed: the loader built them
            for node_id, raw in raw_nodes.items():
                if node_id in built or (isinstance(node_id, str) and ID_PATTERN.match(node_id)):
                    numbers[node_id] = len(id_of)
                    flow_of.append(flow.id)
                    id_of.append(node_id)
                    raw_of.append(raw)

    def resolve(self, target: str, flow_id: str) -> int | None:
        """``node`` or ``flow:node`` as a node number (:data:`_TO_PERSON` for the engine's
        "I need a person" of a known flow), or None when there is no such node."""
        flow, sep, node = target.partition(":")
        if not sep:
            flow, node = flow_id, target
        found = self.index.get(flow, {}).get(node)
        if found is not None:
            return found
        return _TO_PERSON if node == ESCALATE_NODE and flow in self.load.flows else None

    def check_targets(self) -> tuple[list[list[int]], bytearray]:
        """Report dangling targets. Return the resolved targets of every node, by number, and
        for each node whether a target written in it is unknown (its way on is unknown)."""
        edges: list[list[int]] = []
        unknown = bytearray(len(self.id_of))
        for number, raw in enumerate(self.raw_of):
            flow_id = self.flow_of[number]
            local = self.index[flow_id]
            out: list[int] = []
            for target, _ in _written_targets(raw):
                resolved = local.get(target)  # the common case, resolved inline
                if resolved is None:
                    resolved = self.resolve(target, flow_id)
                if resolved is None:
                    unknown[number] = 1
                else:
                    out.append(resolved)
            edges.append(out)
            if unknown[number]:
                self._report_unknown_targets(flow_id, self.id_of[number], raw)
        for flow in self.load.flows:
            if self.resolve(flow.start, flow.id) is None:
                self.report(flow.id, ("start",), "missing-start", target=flow.start)
            if flow.escalate and self.resolve(flow.escalate, flow.id) is None \
                    and self._knowable(flow.escalate, flow.id):
                self.report(flow.id, ("escalate",), "unknown-target", via="escalate", target=flow.escalate)
        return edges, unknown

    def _report_unknown_targets(self, flow_id: str, node_id: str, raw: dict) -> None:
        for target, where in _written_targets(raw):
            if self.resolve(target, flow_id) is None and self._knowable(target, flow_id):
                self.report(flow_id, ("nodes", node_id, *where), "unknown-target",
                            via=_via(self.load.documents[flow_id], node_id, where), target=target)

    def _knowable(self, target: str, flow_id: str) -> bool:
        """False when the target names a flow that may sit in a file that failed to load."""
        flow, sep, _ = target.partition(":")
        return not sep or flow in self.load.flows or not self.incomplete

    def check_reachability(self, edges: list[list[int]]) -> None:
        roots = []
        for flow in self.load.flows:
            roots.extend(found for found in (self.resolve(flow.start, flow.id),
                                             self.resolve(flow.escalate or "", flow.id))
                         if found is not None)
        seen = _walk(roots, edges)
        startless = {f.id for f in self.load.flows if self.resolve(f.start, f.id) is None}
        for number, node_id in enumerate(self.id_of):
            flow_id = self.flow_of[number]
            if not seen[number] and flow_id not in startless:  # missing-start says it all
                self.report(flow_id, ("nodes", node_id), "unreachable-node", "warning",
                            at_key=True, node=node_id)

    def check_exits(self, edges: list[list[int]], unknown: bytearray) -> None:
        """Dead ends, then nodes from which no end (nor an already reported problem) is reachable."""
        finishing: list[int] = []  # ends, dead ends, and nodes whose way on is unknown
        reverse: list[list[int]] = [[] for _ in self.id_of]
        for number, raw in enumerate(self.raw_of):
            targets = edges[number]
            kind = raw.get("kind") if type(raw) is dict else None
            if kind == "end" or kind not in NODE_KINDS:
                finishing.append(number)
            elif not targets and not unknown[number]:
                finishing.append(number)
                self.report(self.flow_of[number], ("nodes", self.id_of[number]), "dead-end", at_key=True,
                            node=self.id_of[number])
            elif unknown[number]:
                finishing.append(number)  # a dangling target, reported already: its way on is unknown
            elif _TO_PERSON in targets:
                finishing.append(number)
            for target in targets:
                if target != _TO_PERSON:
                    reverse[target].append(number)
        can_finish = _walk(finishing, reverse)
        for number, node_id in enumerate(self.id_of):
            if not can_finish[number]:
                self.report(self.flow_of[number], ("nodes", node_id), "no-way-out", at_key=True, node=node_id)

    # -- per node ----------------------------------------------------------------------

    def check_probes(self) -> None:
        stored, secret = _stored_values(self.load.flows)
        declared = {spec.name: {param.name: param for param in spec.params} for spec in REGISTRY.values()}
        for flow in self.load.flows:
            for node in flow.nodes.values():
                if node.probe is not None:
                    self._check_probe(flow, node, stored, secret, declared.get(node.probe.name, {}))

    def _check_probe(self, flow: Flow, node: Node, stored: set[str], secret: set[str],
                     params: dict[str, ProbeParam]) -> None:
        call, base = node.probe, ("nodes", node.id)
        assert call is not None
        spec = REGISTRY.get(call.name)
        if spec is None:
            self.report(flow.id, (*base, "probe"), "unknown-probe", probe=call.name,
                        known=", ".join(sorted(REGISTRY)))
            return
        for outcome in call.outcomes:
            if outcome not in spec.outcomes:
                self.report(flow.id, (*base, "outcomes", outcome), "unknown-outcome", "warning",
                            at_key=True, probe=spec.name, outcome=outcome)
        if call.default is None and (unhandled := spec.outcomes - call.outcomes.keys()):
            where = (*base, "outcomes") if call.outcomes else (*base, "probe")
            self.report(flow.id, where, "unhandled-outcome", at_key=True, probe=spec.name,
                        outcomes=", ".join(sorted(unhandled)))
        for param, value in call.args.items():
            declared = params.get(param)
            if declared is None:
                self.report(flow.id, (*base, "args", param), "unknown-param", at_key=True,
                            probe=spec.name, param=param)
                continue
            name = value[1:] if value.startswith("$") else None
            if name is not None and name not in stored:
                self.report(flow.id, (*base, "args", param), "unknown-value", "warning", value=name)
            if declared.secret and name is None:
                self.report(flow.id, (*base, "args", param), "secret-literal", param=param)
            elif declared.secret and name in stored and name not in secret:
                self.report(flow.id, (*base, "args", param), "secret-param", param=param, value=name)
        for declared in spec.params:
            if declared.required and declared.name not in call.args:
                where = (*base, "args") if "args" in self.load.documents[flow.id].data["nodes"][node.id] \
                    else (*base, "probe")
                self.report(flow.id, where, "missing-param", at_key=True, probe=spec.name,
                            param=declared.name)

    def check_control_characters(self) -> None:
        """Escape codes or bidi overrides in a text (``"\\e]0;…"`` in a double-quoted YAML string)
        would reach the reader's terminal; every front end shows them escaped, lint names them."""
        for flow_id, doc in self.load.documents.items():
            # One search over the file's text, or all its values joined ("\n" is allowed, so it
            # cannot make a finding), first: the walk with every value's key only on a hit.
            plain = doc.plain_text()
            if not control_characters(plain if plain is not None else "\n".join(_texts(doc.data))):
                continue
            for key, value in _strings(doc.data, ()):
                if found := control_characters(value):
                    self.report(flow_id, key, "control-character", chars=_named(found))

    def check_articles(self, article_ids: set[str]) -> None:
        for flow in self.load.flows:
            for node in flow.nodes.values():
                if node.article and node.article not in article_ids:
                    self.report(flow.id, ("nodes", node.id, "article"), "unknown-article",
                                article=node.article)
                for i, variant in enumerate(node.variants):
                    if (variant.article and variant.article != PROVIDER_ARTICLE
                            and variant.article not in article_ids):
                        self.report(flow.id, ("nodes", node.id, "variants", i, "article"), "unknown-article",
                                    article=variant.article)

    def check_texts(self) -> None:
        """The nodes' texts in one walk: line breaks inside a sentence in every node as written
        (built or not), and the provider's words in every node the loader built."""
        for flow in self.load.flows:
            raw_nodes = self.load.documents[flow.id].data.get("nodes")
            built = flow.nodes
            for node_id, raw in raw_nodes.items() if type(raw_nodes) is dict else ():
                if type(raw) is dict and ("variants" in raw or _has_break(raw.get("text"))):
                    self._line_breaks(flow.id, node_id, raw)
                node = built.get(node_id)
                if node is not None:
                    self._provider_words(flow.id, node)

    def _line_breaks(self, flow_id: str, node_id: str, raw: dict) -> None:
        """A line break inside a sentence of a node's text: every front end keeps the author's
        breaks (they separate bullets), so the sentence would break at the author's width, not
        the reader's. Each sentence and each bullet belongs on one source line."""
        texts = [(("nodes", node_id, "text"), raw.get("text"))]
        variants = raw.get("variants")
        for number, variant in enumerate(variants if type(variants) is list else ()):
            if type(variant) is dict:
                texts.append((("nodes", node_id, "variants", number, "text"), variant.get("text")))
        for key, text in texts:
            for lang, value in text.items() if _has_break(text) else ():
                if type(value) is str and "\n" in value and (cut := _break_inside_sentence(value)):
                    self.report(flow_id, (*key, lang), "line-break-in-sentence", "warning", after=cut)

    def _provider_words(self, flow_id: str, node: Node) -> None:
        """Texts that follow the provider: a known provider id in ``when``, placeholders we
        know, only inside a variant that names the provider, and rules the data holds.

        The provider data is read only when some node needs it, and a text is looked at
        closely only when it holds a brace: most nodes of most flows need neither."""
        catalogue = provider_text.catalogue
        key = ("nodes", node.id)
        text, title = node.text, node.title
        if text is not None and ("{" in text.cs or "{" in text.en):
            self._placeholders(flow_id, (*key, "text"), text, None)
        if title is not None and ("{" in title.cs or "{" in title.en):
            self._placeholders(flow_id, (*key, "title"), title, None)
        for i, choice in enumerate(node.choices):
            label = choice.label
            if "{" in label.cs or "{" in label.en:
                self._placeholders(flow_id, (*key, "choices", i, "label"), label, None)
        if node.store and node.store.name == provider_text.PROVIDER_VALUE:
            for i, choice in enumerate(node.choices):  # "other": none of the known ones
                if choice.id not in catalogue() and choice.id != provider_text.OTHER:
                    self.report(flow_id, (*key, "choices", i, "id"), "unknown-provider", "warning",
                                provider=choice.id, known=", ".join(catalogue()))
        for i, variant in enumerate(node.variants):
            vkey = (*key, "variants", i)
            said = variant.when.get(provider_text.PROVIDER_VALUE)
            if said is not None and said != provider_text.ANY and said not in catalogue():
                self.report(flow_id, (*vkey, "when", provider_text.PROVIDER_VALUE), "unknown-provider",
                            provider=said, known=", ".join(catalogue()))
            texts = [((*vkey, "text"), variant.text)]
            texts += [((*vkey, "labels", cid), label) for cid, label in variant.labels.items()]
            for where, text in texts:
                if text is not None:
                    self._placeholders(flow_id, where, text, said)

    def _placeholders(self, flow_id: str, where: tuple, text: Text, said: str | None) -> None:
        for lang in ("cs", "en"):
            for written, ours, rule_id in provider_text.placeholders(text.get(lang)):
                if not ours:
                    self.report(flow_id, (*where, lang), "unknown-placeholder", placeholder=written)
                elif said is None:
                    self.report(flow_id, (*where, lang), "placeholder-without-provider", placeholder=written)
                elif rule_id and not any(p.rule(rule_id) for pid, p in provider_text.catalogue().items()
                                         if said in (provider_text.ANY, pid)):
                    self.report(flow_id, (*where, lang), "unknown-provider-rule", rule=rule_id,
                                provider=said)


_BULLETS = ("•", "-", "–", "*")
_SENTENCE_ENDS = (".", ":", "!", "?", ")", "…")


def _has_break(text: Any) -> bool:
    """Whether an authored text ({cs, en}) has a line break in some language."""
    if type(text) is dict:
        for value in text.values():
            if type(value) is str and "\n" in value:
                return True
    return False


def _break_inside_sentence(text: str) -> str | None:
    """The last words before the first line break that cuts a sentence, or None."""
    lines = text.split("\n")
    for before, line in pairwise(lines):
        before, line = before.rstrip(), line.strip()
        if before and line and not line.startswith(_BULLETS) and not before.endswith(_SENTENCE_ENDS):
            return before if len(before) <= 30 else "…" + before[-30:].split(" ", 1)[-1]
    return None


def _texts(data: Any) -> list[str]:
    """Every string value in ``data`` (not the keys), in no particular order."""
    found: list[str] = []
    pending = [data]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is str:
            found.append(item)
        elif kind is dict:
            pending.extend(item.values())
        elif kind is list:
            pending.extend(item)
    return found


def _strings(data: Any, key: tuple) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for name, value in data.items():
            yield from _strings(value, (*key, name))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*key, index))


def _named(found: list[tuple[int, str]]) -> str:
    return ", ".join(dict.fromkeys(visible_line(char) for _, char in found))


def _written_targets(raw: Any) -> list[tuple[str, tuple]]:
    """Every well-formed target written in a node (its edges), with where in the node it is written."""
    found: list[tuple[str, tuple]] = []
    if type(raw) is not dict:
        return found
    if (target := _target_text(raw.get("next"))):
        found.append((target, ("next",)))
    choices = raw.get("choices")
    for i, choice in enumerate(choices if type(choices) is list else ()):
        if type(choice) is dict and (target := _target_text(choice.get("next"))):
            found.append((target, ("choices", i, "next")))
    outcomes = raw.get("outcomes")
    for outcome, value in outcomes.items() if type(outcomes) is dict else ():
        if target := _target_text(value):
            found.append((target, ("outcomes", outcome)))
    if (target := _target_text(raw.get("default"))):
        found.append((target, ("default",)))
    return found


def _via(doc: YamlDocument, node_id: str, where: tuple) -> str:
    """How a target is named in messages: next, choice <id>, outcome <id>, default."""
    if where[0] == "choices":
        return f"choice {doc.data['nodes'][node_id]['choices'][where[1]].get('id')}"
    if where[0] == "outcomes":
        return f"outcome {where[1]}"
    return where[0]


def _target_text(value: Any) -> str | None:
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _walk(roots: Iterable[int], edges: list[list[int]]) -> bytearray:
    """Which nodes are reachable from ``roots`` (1 at their number)."""
    seen = bytearray(len(edges))
    stack = [root for root in roots if root != _TO_PERSON]
    for root in stack:
        seen[root] = 1
    pop, push = stack.pop, stack.append
    while stack:
        for target in edges[pop()]:
            if target != _TO_PERSON and not seen[target]:
                seen[target] = 1
                push(target)
    return seen


def _stored_values(flows: Iterable[Flow]) -> tuple[set[str], set[str]]:
    """Names of values some input or question stores, and those of them that are secret."""
    stored: set[str] = set()
    secret: set[str] = set()
    for flow in flows:
        for node in flow.nodes.values():
            for spec in (node.input, node.store):
                if spec is not None:
                    stored.add(spec.name)
                    if spec.secret:
                        secret.add(spec.name)
    return stored, secret


def article_ids(kb_dir: str | os.PathLike[str]) -> set[str]:
    """Article ids are the file stems of ``kb/<id>.cs.md`` and ``kb/<id>.en.md``."""
    folder = Path(kb_dir)
    if not folder.is_dir():
        return set()
    return {
        entry.name[: -len(suffix)]
        for entry in folder.iterdir()
        for suffix in _ARTICLE_SUFFIXES
        if entry.name.endswith(suffix)
    }


def _article_findings(kb_dir: str | os.PathLike[str], load: FlowLoad) -> list[Diagnostic]:
    """The knowledge base's own checks: front matter, languages, links into the flows, and the
    readers' questions (kb/questions.yaml) each labelled with articles that exist."""
    from troubleshooter.flow.lint_articles import lint_articles
    from troubleshooter.knowledge.asked import lint_questions

    return [*lint_articles(kb_dir, load.flows), *lint_questions(kb_dir, article_ids(kb_dir))]


def _provider_findings(kb_dir: str | os.PathLike[str]) -> list[Diagnostic]:
    """The provider data's facts (source, date, age) and the provider articles against them."""
    from troubleshooter.knowledge.provider_facts import lint_provider_facts

    return list(lint_provider_facts(kb_dir))


def _glossary_findings(load: FlowLoad, kb_dir: str | os.PathLike[str]) -> list[Diagnostic]:
    """Discouraged variants of the glossary's terms (docs/glossary.md, in a source tree)."""
    from troubleshooter.knowledge.glossary import lint_glossary

    return lint_glossary([doc.path for doc in load.documents.values()], kb_dir)


def lint_load(load: FlowLoad, *, incomplete: bool = False,
              kb_dir: str | os.PathLike[str] | None = None, kb_checks: bool = True) -> list[Diagnostic]:
    """All findings for already loaded flows (loader findings included), sorted and unique.

    ``kb_dir`` enables the article id check; ``kb_checks`` also runs the knowledge base's
    own checks of the articles (pointless when only some of the flows are loaded).
    """
    linter = _Linter(load, incomplete)
    linter.read_graph()
    edges, unknown = linter.check_targets()
    linter.check_reachability(edges)
    linter.check_exits(edges, unknown)
    linter.check_probes()
    linter.check_control_characters()
    linter.check_texts()
    found = [*load.diagnostics, *linter.found]
    if kb_dir is not None:
        ids = article_ids(kb_dir)
        if ids:
            linter.found = []
            linter.check_articles(ids)
            found.extend(linter.found)
        if kb_checks and os.path.isdir(kb_dir):  # no folder, no articles to read
            found.extend(_article_findings(kb_dir, load))
        if kb_checks and ids:  # the content as a whole: its provider facts and its vocabulary
            found.extend(_provider_findings(kb_dir))
            found.extend(_glossary_findings(load, kb_dir))
    unique = {(d.sort_key(), d.severity, d.message("en")): d for d in found}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def lint(paths: Iterable[str | os.PathLike[str]], kb_dir: str | os.PathLike[str] | None = None,
         ) -> list[Diagnostic]:
    """Load the flows under ``paths`` and check them; ``kb_dir`` enables article id checks."""
    paths = list(paths)
    load = load_flows(paths)
    incomplete = len(yaml_files(paths)) > len(load.documents)
    return lint_load(load, incomplete=incomplete, kb_dir=kb_dir)
