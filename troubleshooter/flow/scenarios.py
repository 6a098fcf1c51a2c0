"""Scenario tests: YAML files that script a conversation and assert where it goes.

A scenario picks choices, types values, stubs probe outcomes and checks the node it is
at, using only the engine (no network, no UI). A failure names the step's file:line:col.
One file holds one scenario, or several under ``scenarios:`` (top-level ``flow``/``lang``
are inherited)::

    name: wrong password, found by the login check
    flow: smtp
    lang: en
    steps:
      - choose: set-up
      - type: "smtp.seznam.cz"
      - type: " 587"
        expect_findings: [surrounding-whitespace]
        use_cleaned: true
      - probe: auth-failed
      - expect: fix-credentials
      - says: Could not authenticate
      - back
    end: support
    status: escalate

Step actions: ``choose`` (option ``expect_findings``: what a stored choice set off),
``type`` (options ``keep``, ``expect_findings``, ``use_cleaned``), ``probe`` (option ``facts``:
what the stubbed check found, e.g. the port a sweep proposes), ``expect``,
``says`` (text of the current node in the scenario's language), ``jump``, ``lang``,
and the bare words ``back`` and ``restart``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from troubleshooter import yamlio
from troubleshooter.diagnostics import Diagnostic
from troubleshooter.flow.engine import FlowError, Session
from troubleshooter.flow.model import FlowSet, NodeRef
from troubleshooter.flow.probes import probe_spec
from troubleshooter.i18n import LANGS, Lang

ACTIONS = ("choose", "type", "probe", "expect", "says", "says_not", "offers", "jump", "lang")
BARE_ACTIONS = ("back", "restart")
TYPE_OPTIONS = {"keep", "expect_findings", "use_cleaned"}
_SCENARIO_KEYS = {"name", "flow", "lang", "from", "steps", "end", "status", "description"}


@dataclass(frozen=True, slots=True)
class ScenarioStep:
    action: str
    arg: Any
    options: dict[str, Any]
    line: int
    col: int


@dataclass(slots=True)
class Scenario:
    name: str
    path: str
    line: int
    col: int
    flow: str | None
    lang: Lang
    start: str | None
    steps: list[ScenarioStep]
    end: str | None = None
    status: str | None = None
    end_line: int = 0
    end_col: int = 0


@dataclass(slots=True)
class ScenarioResult:
    scenario: Scenario
    failure: Diagnostic | None
    reached: NodeRef | None  # where the conversation stood when the scenario stopped
    visited: set[NodeRef] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass(slots=True)
class ScenarioReport:
    results: list[ScenarioResult]
    problems: list[Diagnostic]  # scenario files that could not be read
    unreached_ends: list[NodeRef]
    nodes_total: int
    nodes_visited: int

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    def ok(self, require_all_ends: bool) -> bool:
        return not self.failed and not self.problems and not (require_all_ends and self.unreached_ends)


class _StepFailed(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# -- reading --------------------------------------------------------------------------
def _problem(doc: yamlio.YamlDocument, key: tuple, code: str, /, *, at_key: bool = False,
             **params: Any) -> Diagnostic:
    pos = doc.where(key, prefer_key=at_key)
    return Diagnostic(doc.path, pos.line, pos.col, "error", code, params)


def _step(doc: yamlio.YamlDocument, raw: Any, key: tuple, problems: list[Diagnostic]) -> ScenarioStep | None:
    pos = doc.where(key)
    if isinstance(raw, str) and raw in BARE_ACTIONS:
        return ScenarioStep(raw, None, {}, pos.line, pos.col)
    if not isinstance(raw, dict):
        problems.append(_problem(doc, key, "scenario-bad-step", allowed=", ".join(ACTIONS + BARE_ACTIONS)))
        return None
    actions = [name for name in raw if name in ACTIONS]
    if len(actions) != 1:
        problems.append(_problem(doc, key, "scenario-bad-step", allowed=", ".join(ACTIONS + BARE_ACTIONS)))
        return None
    action = actions[0]
    options = {k: v for k, v in raw.items() if k != action}
    allowed = (TYPE_OPTIONS if action == "type" else {"expect_findings"} if action == "choose"
               else {"facts"} if action == "probe" else set())
    for name in sorted(options.keys() - allowed):
        problems.append(_problem(doc, (*key, name), "scenario-unknown-key", at_key=True, key=name,
                                 allowed=", ".join(sorted(allowed)) or "-"))
        return None
    arg = raw[action]
    if arg is None or isinstance(arg, (dict, list)):
        problems.append(_problem(doc, (*key, action), "scenario-bad-value", action=action))
        return None
    if isinstance(arg, bool):
        arg = "true" if arg else "false"
    return ScenarioStep(action, str(arg), options, pos.line, pos.col)


def _scenario(doc: yamlio.YamlDocument, table: Any, key: tuple, defaults: dict[str, Any],
              fallback_name: str, problems: list[Diagnostic]) -> Scenario | None:
    if not isinstance(table, dict):
        problems.append(_problem(doc, key, "not-a-mapping", what="scenario"))
        return None
    for name in sorted(table.keys() - _SCENARIO_KEYS):
        problems.append(_problem(doc, (*key, name), "scenario-unknown-key", at_key=True, key=name,
                                 allowed=", ".join(sorted(_SCENARIO_KEYS))))
    lang = table.get("lang", defaults.get("lang", "cs"))
    if lang not in LANGS:
        problems.append(_problem(doc, (*key, "lang"), "bad-enum", field="lang", value=lang,
                                 allowed=", ".join(LANGS)))
        return None
    raw_steps = table.get("steps", [])
    if not isinstance(raw_steps, list):
        problems.append(_problem(doc, (*key, "steps"), "not-a-mapping", what="steps (a list)"))
        return None
    steps = [_step(doc, raw, (*key, "steps", i), problems) for i, raw in enumerate(raw_steps)]
    if any(s is None for s in steps):
        return None
    pos = doc.where(key)
    end_key = (*key, "end") if "end" in table else (*key, "status")
    end_pos = doc.where(end_key) if ("end" in table or "status" in table) else pos
    return Scenario(
        name=str(table.get("name", fallback_name)), path=doc.path, line=pos.line, col=pos.col,
        flow=table.get("flow", defaults.get("flow")), lang=lang, start=table.get("from"),
        steps=[s for s in steps if s is not None],
        end=None if table.get("end") is None else str(table["end"]),
        status=table.get("status"), end_line=end_pos.line, end_col=end_pos.col,
    )


def load_scenarios(paths: Iterable[str | os.PathLike[str]],
                   display=None) -> tuple[list[Scenario], list[Diagnostic]]:
    """Read scenario files; unreadable ones become diagnostics, the rest still load."""
    from troubleshooter.content import display_path

    shown = display or display_path
    scenarios: list[Scenario] = []
    problems: list[Diagnostic] = []
    for path in yamlio.yaml_files(paths):
        try:
            doc = yamlio.load(path, shown(path))
        except yamlio.YamlError as exc:
            problems.append(Diagnostic(exc.path, exc.line, exc.col, "error", exc.code, {"detail": exc.message}))
            continue
        data = doc.data
        if not isinstance(data, dict):
            problems.append(_problem(doc, (), "not-a-mapping", what="scenario file"))
            continue
        if "scenarios" in data:
            defaults = {k: data[k] for k in ("flow", "lang") if k in data}
            items = data["scenarios"] if isinstance(data["scenarios"], list) else []
            if not items:
                problems.append(_problem(doc, ("scenarios",), "not-a-mapping", what="scenarios (a list)"))
            for i, item in enumerate(items):
                found = _scenario(doc, item, ("scenarios", i), defaults, f"{path.stem} #{i + 1}", problems)
                if found:
                    scenarios.append(found)
        else:
            found = _scenario(doc, data, (), {}, path.stem, problems)
            if found:
                scenarios.append(found)
    return scenarios, problems


# -- running --------------------------------------------------------------------------
def _perform_step(session: Session, step: ScenarioStep, mid_flow: bool) -> None:
    """Perform one step on the session; raise :class:`_StepFailed` when it does not hold.

    A probe step checks that the conversation entered every value the probe needs, unless
    the scenario started mid-flow (``from:``), where earlier values cannot exist."""
    node = session.node()
    if step.action == "choose":
        valid = [c.id for c in session.view().choices]
        if step.arg not in valid:
            raise _StepFailed("scenario-no-choice", node=str(session.current), choice=step.arg,
                              valid=", ".join(valid) or "-")
        session.choose(step.arg)
        expected = step.options.get("expect_findings")
        codes = sorted(f.code for f in session.view().findings)
        if expected is not None and sorted(map(str, expected)) != codes:
            raise _StepFailed("scenario-findings", expected=", ".join(sorted(map(str, expected))) or "-",
                              actual=", ".join(codes) or "-")
    elif step.action == "type":
        if node.kind != "input":
            raise _StepFailed("scenario-wrong-kind", node=str(session.current), kind=node.kind,
                              action="type")
        _type(session, step)
    elif step.action == "probe":
        if node.kind != "probe" or node.probe is None:
            raise _StepFailed("scenario-wrong-kind", node=str(session.current), kind=node.kind,
                              action="probe")
        spec = probe_spec(node.probe.name)
        if spec is not None and step.arg not in spec.outcomes:
            raise _StepFailed("unknown-outcome", probe=spec.name, outcome=step.arg)
        missing = [] if mid_flow else session.unset_values()
        if missing:
            raise _StepFailed("scenario-missing-values", node=str(session.current),
                              values=", ".join(missing))
        facts = step.options.get("facts")
        if isinstance(facts, dict):  # what the stubbed check found (a proposal to adopt, …)
            from troubleshooter.probes.outcome import ProbeOutcome

            session.record_probe(ProbeOutcome(node.probe.name, step.arg, facts=facts))
        else:
            session.record_probe(step.arg)
    elif step.action == "expect":
        expected = NodeRef.parse(step.arg, session.current.flow)
        if expected != session.current:
            raise _StepFailed("scenario-wrong-node", expected=str(expected), actual=str(session.current))
    elif step.action in ("says", "says_not"):
        view = session.view()
        shown = [view.text, view.title, *(c.label for c in view.choices)]
        said = any(t is not None and step.arg in t.get(session.lang) for t in shown)
        if said != (step.action == "says"):
            raise _StepFailed("scenario-text-missing" if not said else "scenario-text-shown",
                              text=step.arg, node=str(session.current), lang=session.lang)
    elif step.action == "offers":
        view = session.view()
        offered = view.input.current if view.input else None
        if offered != step.arg:
            raise _StepFailed("scenario-wrong-offer", node=str(session.current), expected=step.arg,
                              actual=offered or "-")
    elif step.action == "jump":
        session.jump(step.arg)
    elif step.action == "lang":
        if step.arg not in LANGS:
            raise _StepFailed("bad-enum", field="lang", value=step.arg, allowed=", ".join(LANGS))
        session.set_lang(step.arg)  # type: ignore[arg-type]
    elif step.action == "back":
        session.back()
    elif step.action == "restart":
        session.restart()


def _type(session: Session, step: ScenarioStep) -> None:
    expected = step.options.get("expect_findings")
    result = session.submit(step.arg, keep=bool(step.options.get("keep", False)))
    codes = sorted(f.code for f in result.findings)
    if expected is not None and sorted(str(c) for c in expected) != codes:
        raise _StepFailed("scenario-findings", expected=", ".join(sorted(map(str, expected))) or "-",
                          actual=", ".join(codes) or "-")
    if result.accepted:
        return
    if step.options.get("use_cleaned"):
        if result.suggestion is None:
            raise _StepFailed("scenario-no-cleaned-value", node=str(session.current))
        again = session.submit(result.suggestion, keep=True)
        if not again.accepted:
            raise _StepFailed("scenario-value-held", codes=", ".join(f.code for f in again.findings))
        return
    if expected is None:
        raise _StepFailed("scenario-value-held", codes=", ".join(codes))


def run_scenario(scenario: Scenario, flows: FlowSet) -> ScenarioResult:
    """Play one scenario against ``flows``; the first step that does not hold is the failure."""
    def fail(line: int, col: int, code: str, **params: Any) -> Diagnostic:
        return Diagnostic(scenario.path, line, col, "error", code, params)

    try:
        session = Session.begin(flows, scenario.flow, scenario.start, scenario.lang)
    except FlowError as exc:
        return ScenarioResult(scenario, fail(scenario.line, scenario.col, "scenario-cannot-start",
                                             detail=str(exc)), None)
    visited = {session.current}
    for step in scenario.steps:
        try:
            _perform_step(session, step, scenario.start is not None)
        except _StepFailed as exc:
            return ScenarioResult(scenario, fail(step.line, step.col, exc.code, **exc.params),
                                  session.current, visited)
        except FlowError as exc:
            return ScenarioResult(scenario, fail(step.line, step.col, "scenario-flow-error", detail=str(exc)),
                                  session.current, visited)
        visited.add(session.current)
    node = session.node()
    if scenario.end is not None:
        expected = NodeRef.parse(scenario.end, session.current.flow)
        if expected != session.current:
            return ScenarioResult(scenario, fail(scenario.end_line, scenario.end_col, "scenario-wrong-end",
                                                 expected=str(expected), actual=str(session.current)),
                                  session.current, visited)
    if scenario.status is not None and node.status != scenario.status:
        return ScenarioResult(scenario, fail(scenario.end_line, scenario.end_col, "scenario-wrong-status",
                                             expected=scenario.status, actual=node.status or node.kind),
                              session.current, visited)
    return ScenarioResult(scenario, None, session.current, visited)


def end_nodes(flows: FlowSet) -> list[NodeRef]:
    return sorted((NodeRef(f.id, n.id) for f in flows for n in f.nodes.values() if n.kind == "end"),
                  key=str)


def run_scenarios(scenarios: list[Scenario], flows: FlowSet,
                  problems: list[Diagnostic] | None = None) -> ScenarioReport:
    results = [run_scenario(s, flows) for s in scenarios]
    reached = {r.reached for r in results if r.passed and r.reached is not None}
    visited = set().union(*(r.visited for r in results)) if results else set()
    all_nodes = {NodeRef(f.id, n) for f in flows for n in f.nodes}
    unreached = [ref for ref in end_nodes(flows) if ref not in reached]
    return ScenarioReport(results, list(problems or []), unreached, len(all_nodes), len(visited & all_nodes))
