"""The conversation engine: a pure state machine over a :class:`FlowSet`.

A session's state is derived from its start node and the list of answers given so far
(:class:`Step`), replayed in order. That single mechanism gives back (drop the last step),
resume (replay a saved list), a maintainer's reload (replay the same list on re-read flows)
and a transcript (the list itself). Front ends call :meth:`Session.view` to learn what to
show, hand answers back through :meth:`choose`, :meth:`submit` and :meth:`record_probe`,
and run the probes themselves (the engine does no I/O).

Secret values (passwords) are kept only in memory, in a field no repr, log or JSON export
sees; a resumed session asks for them again (:meth:`Session.missing_values`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from msgspec import Struct

from troubleshooter.flow import provider_text
from troubleshooter.flow.errors import FlowError
from troubleshooter.flow.model import (
    CHECK_AGAIN,
    CONTINUE,
    ESCALATE,
    ESCALATE_NODE,
    INPUT_KINDS,
    PROVIDER_ARTICLE,
    Choice,
    EndStatus,
    FlowSet,
    InputKind,
    InputSpec,
    Node,
    NodeKind,
    NodeRef,
    Variant,
)
from troubleshooter.i18n import DEFAULT_LANG, LANGS, Lang, Text, text, tr
from troubleshooter.probes.outcome import ProbeOutcome

if TYPE_CHECKING:
    from troubleshooter.flow.checks import InputFinding
    from troubleshooter.redaction import Secrets


def _check_value(kind: InputKind, value: str,
                known: Mapping[str, tuple[InputKind, str]] | None = None) -> list[InputFinding]:
    """The input checks, imported with the first value checked: a session that only starts
    (the app's first screen) never needs them."""
    from troubleshooter.flow import checks

    return checks.check_value(kind, value, known)


def _repeatable(probe_name: str) -> bool:
    """A check that talks to servers may answer otherwise a second time; one that reads a
    pasted text may not (it is not offered again)."""
    from troubleshooter.flow.probes import probe_spec

    spec = probe_spec(probe_name)
    return spec is None or spec.network


StepKind = Literal["choose", "submit", "probe", "jump"]
SESSION_FORMAT = 1


class ChoiceView(Struct, frozen=True):
    id: str
    label: Text
    engine: bool = False  # supplied by the engine (continue, escalate), not authored


class InputView(Struct, frozen=True):
    name: str
    kind: InputKind
    secret: bool
    optional: bool
    current: str | None  # the value entered earlier (never for a secret)


class ProbeView(Struct, frozen=True):
    name: str
    args: dict[str, str]  # parameter -> value name or literal, as authored; no values


class NodeView(Struct, frozen=True):
    """Everything a front end needs to render the current node, in both languages."""

    ref: NodeRef
    kind: NodeKind
    flow_title: Text
    title: Text | None
    text: Text | None
    article: str | None
    choices: tuple[ChoiceView, ...]
    input: InputView | None = None
    probe: ProbeView | None = None
    status: EndStatus | None = None
    findings: tuple[InputFinding, ...] = ()  # left by the last store (e.g. a port/encryption mix)
    after_check: str | None = None  # the probe whose result led here (front ends say where it ran)

    @property
    def is_end(self) -> bool:
        return self.kind == "end"


class Step(Struct):
    """One answer on the path. ``answer`` is a choice id, a typed value (None when secret),
    or a probe outcome id; ``findings`` are the check codes the user chose to keep."""

    ref: NodeRef
    kind: StepKind
    answer: str | None
    findings: tuple[str, ...] = ()
    probe: dict[str, Any] | None = None  # ProbeOutcome.to_json(), already redacted

    def probe_name(self, session: Session) -> str | None:
        """The probe this step answered (a probe step), from its record or its node."""
        if self.probe and self.probe.get("probe"):
            return str(self.probe["probe"])
        call = session.node(self.ref).probe
        return call.name if call else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"node": str(self.ref), "kind": self.kind, "answer": self.answer}
        if self.findings:
            data["findings"] = list(self.findings)
        if self.probe is not None:
            data["probe"] = self.probe
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Step:
        flow, _, node = str(data["node"]).partition(":")
        return cls(NodeRef(flow, node), data["kind"], data.get("answer"),
                   tuple(data.get("findings", ())), data.get("probe"))


class SubmitResult(Struct, frozen=True):
    """What happened to a typed value: accepted (the session moved on) or held back."""

    accepted: bool
    findings: tuple[InputFinding, ...]

    @property
    def blocking(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def suggestion(self) -> str | None:
        """The cleaned value that applies every fix the findings offer (the last one)."""
        return next((f.cleaned for f in reversed(self.findings) if f.cleaned is not None), None)


_ESCALATE_END = Node(ESCALATE_NODE, "end", text=None, status="escalate")


@dataclass
class Session:
    flows: FlowSet
    start: NodeRef
    lang: Lang = DEFAULT_LANG
    steps: list[Step] = field(default_factory=list)
    current: NodeRef = field(init=False)
    values: dict[str, str] = field(init=False, default_factory=dict)
    kinds: dict[str, InputKind] = field(init=False, default_factory=dict)
    last_findings: tuple[InputFinding, ...] = field(init=False, default=())
    provider_id: str | None = field(init=False, default=None)  # the mail provider learnt so far
    adopted: set[str] = field(init=False, default_factory=set)  # values last set by a check's proposal
    _last_check: Step | None = field(init=False, default=None, repr=False)  # the probe step that led here
    _secrets: dict[int, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._replay()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def begin(cls, flows: FlowSet, flow_id: str | None = None, node_id: str | None = None,
              lang: Lang = DEFAULT_LANG) -> Session:
        """Start a conversation at a flow's start, or at ``node_id`` (maintainers' preview)."""
        flow_id = flow_id or flows.default_flow()
        if flow_id not in flows:
            known = ", ".join(sorted(flows.flows))
            raise FlowError(f"unknown flow {flow_id!r}", text("engine.unknown-flow", flow=flow_id, known=known))
        ref = NodeRef(flow_id, node_id) if node_id else flows.start_of(flow_id)
        if flows.resolve(str(ref), flow_id) is None:
            raise FlowError(f"unknown node {ref}", text("engine.unknown-node", node=str(node_id), flow=flow_id))
        return cls(flows, ref, lang)

    # -- reading ------------------------------------------------------------------------
    def node(self, ref: NodeRef | None = None) -> Node:
        ref = ref or self.current
        if ref.node == ESCALATE_NODE:
            return _ESCALATE_END
        return self.flows.node(ref)

    def known(self) -> dict[str, str]:
        """What the conversation knows: the values given, and the mail provider learnt."""
        return self.values | ({"provider": self.provider_id} if self.provider_id else {})

    def _matches(self, variant: Variant, known: Mapping[str, str]) -> bool:
        """Every ``when`` value set as given (``*``: set at all), and every provider fact the
        variant's words name held by the data for this provider."""
        return (all(known.get(name) == value or (value == provider_text.ANY and name in known)
                    for name, value in variant.when.items())
                and all(provider_text.fillable(words, self.provider_id)
                        for words in (variant.text, *variant.labels.values())))

    def view(self) -> NodeView:
        node = self.node()
        flow = self.flows.flow(self.current.flow)
        body, article = node.text, node.article
        if node.id == ESCALATE_NODE:
            body = text("engine.escalate-end")
        labels: dict[str, Text] = {}
        hidden: set[str] = set()
        if node.variants:  # the words that follow what the user already said; the first says it
            known = self.known()
            matching = [v for v in node.variants if self._matches(v, known)]
            body = next((v.text for v in matching if v.text), body)
            article = next((v.article for v in matching if v.article), article)
            for variant in reversed(matching):
                labels |= variant.labels
                hidden.update(variant.hide)
        offered = list(node.choices)
        given = self._given(node)
        if self.provider_id:
            body, labels, article, offered = self._follow_provider(node, body, labels, article, given)
        offered = self._given_first(offered, labels, given)
        proposed = self.proposal()
        choices = [ChoiceView(c.id, labels.get(c.id, c.label)) for c in offered
                   if (not c.adopt or proposed) and c.id not in hidden]
        if node.kind == "info":
            choices.append(ChoiceView(CONTINUE, text("engine.continue"), engine=True))
        after_check = self._last_check.probe_name(self) if self._last_check else None
        if after_check and node.kind not in ("probe", "end") and _repeatable(after_check):
            choices.append(ChoiceView(CHECK_AGAIN, text("engine.check-again"), engine=True))
        if node.kind != "end":
            choices.append(ChoiceView(ESCALATE, text("engine.escalate"), engine=True))
        input_view = None
        if node.input:
            spec = node.input
            input_view = InputView(spec.name, spec.kind, spec.secret, spec.optional,
                                   None if spec.secret else self._default(spec))
        probe_view = ProbeView(node.probe.name, dict(node.probe.args)) if node.probe else None
        return NodeView(
            self.current, node.kind, flow.title, node.title, body, article,
            tuple(choices), input_view, probe_view, node.status, self.last_findings, after_check,
        )

    def _follow_provider(
        self, node: Node, body: Text | None, labels: dict[str, Text], article: str | None,
        given: dict[str, str],
    ) -> tuple[Text | None, dict[str, Text], str | None, list[Choice]]:
        """The provider's facts in the words, its article; on a question that asks for a value
        the provider publishes (the encryption), its published choices first and said to be its
        (a choice the user already gave, in ``given``, says both).
        The others stay: the question asks what the setting has, and a mistake there is found
        by the checks, not hidden."""
        provider = self.provider_id
        if body is not None:
            body = provider_text.render(body, provider)
        labels = {cid: provider_text.render(label, provider) for cid, label in labels.items()}
        if article == PROVIDER_ARTICLE:
            found = provider_text.provider(provider)
            article = found.article if found else node.article
        offered = list(node.choices)
        fitting = (provider_text.fitting_choices(node.store.kind, provider, self.values)
                   if node.store and node.kind == "question" else None)
        if fitting:
            offered.sort(key=lambda c: c.id not in fitting)
            for choice in offered:
                if choice.id in given and choice.id in fitting:
                    given[choice.id] += "-published"
                elif choice.id in fitting:
                    labels[choice.id] = provider_text.published(labels.get(choice.id, choice.label), provider)
        return body, labels, article, offered

    def _given(self, node: Node) -> dict[str, str]:
        """On a question, the choices that what the conversation already holds answers (the
        stored value's own, or one whose ``given`` values are all held as given), each with the
        words that say so: what the user entered, or what a check found."""
        if node.kind != "question":
            return {}
        held = self.values  # what was given or found, not a provider only guessed from them
        given: dict[str, str] = {}
        for choice in node.choices:
            if node.store and held.get(node.store.name) == choice.id:
                names = {node.store.name}
            elif choice.given and all(held.get(name) in values for name, values in choice.given.items()):
                names = set(choice.given)
            else:
                continue
            given[choice.id] = "engine.as-found" if names <= self.adopted else "engine.as-entered"
        return given

    def _given_first(self, offered: list[Choice], labels: dict[str, Text],
                     given: dict[str, str]) -> list[Choice]:
        """The choices :meth:`_given` found come first, said to be what the user gave: a value
        already given is offered, never asked for as if it were new. The others stay, for a
        setting changed since."""
        if not given:
            return offered
        found = provider_text.provider(self.provider_id)
        name = found.name if found else ""
        for choice in offered:
            if key := given.get(choice.id):
                label = labels.get(choice.id, choice.label)
                labels[choice.id] = Text(*(tr(key, lang, label=label.get(lang), provider=name)
                                           for lang in LANGS))
        return sorted(offered, key=lambda c: c.id not in given)

    def _default(self, spec: InputSpec) -> str | None:
        """The value an input offers: the one given earlier, else the provider's published one;
        a username, else the sender mailbox's address (the login of that mailbox is usually its
        full address, as the step says)."""
        if spec.name in self.values:
            return self.values[spec.name]
        offered = None
        if self.provider_id:
            offered = provider_text.default(spec.kind, self.provider_id, self.values)
        if offered is None and spec.kind == "username":
            offered = next((value for name, value in self.values.items()
                            if self.kinds.get(name) == "sender" and "@" in value), None)
        return offered

    def path_views(self) -> list[NodeView]:
        """What each answered step's node showed when it was answered: its words as they were
        then (a variant follows what the user had said by that step, not what came later)."""
        twin = Session(self.flows, self.start, self.lang)
        shown: list[NodeView] = []
        for step in self.steps:
            shown.append(twin.view())
            twin._push(step)
        return shown

    @property
    def finished(self) -> bool:
        return self.node().kind == "end"

    def probe_arguments(self) -> dict[str, str]:
        """The current probe node's arguments with session values filled in (secrets too:
        hand them straight to the probe, never to a log)."""
        node = self.node()
        if not node.probe:
            raise FlowError(f"{self.current} is not a probe node")
        resolved: dict[str, str] = {}
        secrets = self._secret_values()
        known = self.known()
        for param, source in node.probe.args.items():
            if source.startswith("$"):
                name = source[1:]
                value = secrets.get(name, known.get(name))
                if value is not None:
                    resolved[param] = value
            else:
                resolved[param] = source
        return resolved

    def missing_values(self) -> list[str]:
        """Secret values the current probe needs that this session no longer holds — after a
        resume, passwords are gone. Front ends ask for them again (:meth:`provide_secret`)."""
        node = self.node()
        if not node.probe:
            return []
        secret_inputs = {
            spec.name for step in self.steps
            if step.kind == "submit" and (spec := self.node(step.ref).input) and spec.secret
        }
        held = self._secret_values()
        return [s[1:] for s in node.probe.args.values()
                if s.startswith("$") and s[1:] in secret_inputs and s[1:] not in held]

    def unset_values(self) -> list[str]:
        """Values a required parameter of the current probe refers to that nothing stored yet
        (a flow that lets a user reach the probe without typing them). Optional parameters
        whose value is unset are simply left out of :meth:`probe_arguments`."""
        from troubleshooter.flow.probes import probe_spec

        node = self.node()
        if not node.probe:
            return []
        spec = probe_spec(node.probe.name)
        have = self.values.keys() | self._secret_values().keys() | set(self.missing_values())
        unset = []
        for param, source in node.probe.args.items():
            declared = spec.param(param) if spec else None
            if source.startswith("$") and source[1:] not in have and (
                declared is None or declared.required
            ):
                unset.append(source[1:])
        return unset

    def provide_secret(self, name: str, value: str) -> None:
        """Give back a secret a resumed session forgot; kept in memory only."""
        for index, step in enumerate(self.steps):
            spec = self.node(step.ref).input if step.kind == "submit" else None
            if spec and spec.name == name and spec.secret:
                self._secrets[index] = value
                return
        raise FlowError(f"no secret input named {name!r} on the path")

    def proposal(self) -> dict[str, str]:
        """Values (by value name) the check just before proposes, for a choice with ``adopt``."""
        if self._last_check is None or not self._last_check.probe:
            return {}
        from troubleshooter.probes.result_text import proposal

        found: dict[str, str] = {}
        for kind, value in proposal(self._last_check.probe).items():
            names = [name for name, known in self.kinds.items() if known == kind] or [kind]
            found |= dict.fromkeys(names, value)
        return found

    def value_text(self, name: str, value: str | None = None) -> Text:
        """A value (the stored one, or ``value``) as a person reads it: a chosen one by its
        choice's label (``ssl`` → "SSL")."""
        value = self.values.get(name, "") if value is None else value
        for flow in self.flows:
            for node in flow.nodes.values():
                if node.store and node.store.name == name:
                    choice = next((c for c in node.choices if c.id == value), None)
                    if choice:
                        return choice.label
        return Text(value, value)

    def value_title(self, name: str) -> Text:
        """What a person calls a value: the title of the step that asks for it (``sender`` →
        "Odesílací schránka"), so no value name of ours reaches a screen or an export."""
        for ref in [step.ref for step in self.steps] + [self.current]:
            node = self.node(ref)
            spec = node.input or node.store
            if spec and spec.name == name and node.title:
                return node.title
        for flow in self.flows:
            for node in flow.nodes.values():
                spec = node.input or node.store
                if spec and spec.name == name and node.title:
                    return node.title
        return Text(name, name)

    def secret_values(self) -> list[str]:
        """Every secret currently held, so exporters can scrub them from free text."""
        return [v for v in self._secrets.values() if v]

    def secrets(self) -> Secrets:
        """Every secret held, in every form it can take (AUTH base64 with the username too):
        what each front end scrubs from all it shows or writes."""
        from troubleshooter.redaction import Secrets

        return Secrets(*self.secret_values(), username=self.values.get("username", ""))

    # -- answering ----------------------------------------------------------------------
    def choose(self, choice_id: str) -> NodeView:
        node = self.node()
        if choice_id == ESCALATE and node.kind != "end":
            return self._push(Step(self.current, "choose", ESCALATE))
        if choice_id == CHECK_AGAIN and any(c.id == CHECK_AGAIN for c in self.view().choices):
            return self._push(Step(self.current, "choose", CHECK_AGAIN))
        if node.kind == "info" and choice_id == CONTINUE:
            return self._push(Step(self.current, "choose", CONTINUE))
        if node.kind == "question" and any(c.id == choice_id for c in node.choices):
            return self._push(Step(self.current, "choose", choice_id))
        raise FlowError(f"{self.current} has no choice {choice_id!r}")

    def check(self, value: str) -> list[InputFinding]:
        """Run the input checks for the current input node without moving."""
        spec = self._input_spec()
        return _check_value(spec.kind, value, self._known())

    def submit(self, value: str, *, keep: bool = False) -> SubmitResult:
        """Offer a typed value. With findings, the session stays unless ``keep`` is given
        (the user chose to keep the value as typed); an ``error`` finding always blocks."""
        spec = self._input_spec()
        if spec.optional and value == "":
            findings: list[InputFinding] = []
        else:
            findings = _check_value(spec.kind, value, self._known())
        result = SubmitResult(False, tuple(findings))
        if result.blocking or (findings and not keep):
            return result
        step = Step(self.current, "submit", None if spec.secret else value,
                    tuple(f.code for f in findings))
        if spec.secret:
            self._secrets[len(self.steps)] = value
        self._push(step)
        return SubmitResult(True, tuple(findings))

    def record_probe(self, outcome: ProbeOutcome | str) -> NodeView:
        """Hand back a probe's result (or, in scenario tests, a stubbed outcome id)."""
        node = self.node()
        if not node.probe:
            raise FlowError(f"{self.current} is not a probe node")
        if isinstance(outcome, ProbeOutcome):
            return self._push(Step(self.current, "probe", outcome.outcome, probe=outcome.to_json()))
        return self._push(Step(self.current, "probe", outcome))

    def jump(self, target: str) -> NodeView:
        """Go to any node (``node`` or ``flow:node``), e.g. from an explained red message."""
        if self.flows.resolve(target, self.current.flow) is None:
            raise FlowError(f"unknown target {target!r}")
        return self._push(Step(self.current, "jump", target))

    def back(self) -> NodeView:
        """Undo the last answer. A check's result is not a place to go back to (the check
        would only run again): back from it goes to the step before the check, past a chain
        of checks too. Running a check again is its own choice (:data:`CHECK_AGAIN`)."""
        if self.steps:
            dropped = self._drop_last()
            while self.steps and self.node(dropped.ref).kind == "probe":
                dropped = self._drop_last()
            self._replay()
        return self.view()

    def _drop_last(self) -> Step:
        self._secrets.pop(len(self.steps) - 1, None)
        return self.steps.pop()

    def restart(self) -> NodeView:
        self.steps.clear()
        self._secrets.clear()
        self._replay()
        return self.view()

    def set_lang(self, lang: Lang) -> NodeView:
        self.lang = lang
        return self.view()

    def rebase(self, flows: FlowSet) -> int:
        """Replay this path on re-read flows (maintainers' reload); returns the steps kept."""
        self.flows = flows
        self._replay(tolerant=True)
        return len(self.steps)

    # -- persistence ----------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The state to resume from (the app's ``session.json``): never a secret value, in
        any form, even one a server echoed into a recorded probe result."""
        return self.secrets().scrub_data({
            "format": SESSION_FORMAT,
            "start": str(self.start),
            "lang": self.lang,
            "current": str(self.current),
            "steps": [s.to_json() for s in self.steps],
        })

    @classmethod
    def from_json(cls, flows: FlowSet, data: dict[str, Any]) -> Session:
        if data.get("format") != SESSION_FORMAT:
            raise FlowError("unsupported session format")
        flow, _, node = str(data["start"]).partition(":")
        session = cls.__new__(cls)
        session.flows = flows
        session.start = NodeRef(flow, node)
        session.lang = data.get("lang", DEFAULT_LANG)
        session.steps = [Step.from_json(s) for s in data.get("steps", [])]
        session._secrets = {}
        session.values, session.kinds, session.last_findings = {}, {}, ()
        session._replay(tolerant=True)
        return session

    def __repr__(self) -> str:
        return f"Session(current={self.current}, steps={len(self.steps)}, lang={self.lang!r})"

    # -- internals ------------------------------------------------------------------------
    def _input_spec(self) -> InputSpec:
        node = self.node()
        if not node.input:
            raise FlowError(f"{self.current} is not an input node")
        return node.input

    def _known(self) -> dict[str, tuple[InputKind, str]]:
        return {name: (self.kinds[name], value) for name, value in self.values.items()}

    def _secret_values(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, value in self._secrets.items():
            if index < len(self.steps):
                spec = self.node(self.steps[index].ref).input
                if spec:
                    found[spec.name] = value
        return found

    def _push(self, step: Step) -> NodeView:
        self.last_findings = ()
        self._advance(step)
        self.steps.append(step)
        return self.view()

    def _advance(self, step: Step) -> None:
        node = self.node()
        self._apply(step)
        self._last_check = step if step.kind == "probe" else None
        self._learn_provider(node, step)

    def _learn_provider(self, node: Node, step: Step) -> None:
        """The mail provider, as the last step that tells it says: a question that stores
        ``provider`` (a choice that is no known provider unsets it), a check that names it,
        a typed or adopted value that shows it (a published host, an address's domain)."""
        found: str | None = None
        if step.kind == "choose" and node.store and node.store.name == provider_text.PROVIDER_VALUE:
            self.provider_id = step.answer if provider_text.provider(step.answer) else None
            return
        if step.kind == "probe":
            found = provider_text.from_facts((step.probe or {}).get("facts") or {}, step.answer or "")
        elif step.kind == "submit" and node.input and not node.input.secret:
            found = provider_text.from_value(node.input.kind, step.answer or "")
        elif step.kind == "choose" and any(c.id == step.answer and c.adopt for c in node.choices):
            found = provider_text.from_value("host", self.values.get("host", ""))
        if found:
            self.provider_id = found

    def _replay(self, tolerant: bool = False) -> None:
        self.current = self.start
        self.values, self.kinds, self.last_findings = {}, {}, ()
        self._last_check, self.provider_id, self.adopted = None, None, set()
        kept: list[Step] = []
        for step in self.steps:
            try:
                if step.ref != self.current:
                    raise FlowError(f"path expected {self.current}, step is at {step.ref}")
                self._advance(step)
            except (FlowError, KeyError):
                if not tolerant:
                    raise
                break
            kept.append(step)
        self.steps = kept

    def _target(self, target: str | None) -> NodeRef:
        if target is None:
            raise FlowError(f"{self.current} has no way on")
        ref = self.flows.resolve(target, self.current.flow)
        if ref is None:
            raise FlowError(f"{self.current} points at unknown {target!r}")
        return ref

    def _apply(self, step: Step) -> None:
        node = self.node()
        flow = self.flows.flow(self.current.flow)
        if step.kind == "jump":
            self.current = self._target(step.answer)
            return
        if step.kind == "choose" and step.answer == CHECK_AGAIN:
            if self._last_check is None:
                raise FlowError(f"{self.current} does not follow a check")
            self.current = self._last_check.ref
            return
        if step.kind == "choose" and step.answer == ESCALATE:
            self.current = (self._target(flow.escalate) if flow.escalate
                            else NodeRef(self.current.flow, ESCALATE_NODE))
            return
        if step.kind == "choose" and node.kind == "info":
            self.current = self._target(node.next)
            return
        if step.kind == "choose" and node.kind == "question":
            choice = next((c for c in node.choices if c.id == step.answer), None)
            if choice is None:
                raise FlowError(f"{self.current} has no choice {step.answer!r}")
            if node.store:
                self._store(node.store, choice.id)
                self.last_findings = tuple(_check_value(node.store.kind, choice.id, self._known()))
            if choice.adopt:
                proposed = self.proposal()
                if not proposed:
                    raise FlowError(f"{self.current}: the check before proposes no values")
                for name, value in proposed.items():
                    self.values[name] = value
                    self.adopted.add(name)
                    self.kinds.setdefault(name, name if name in INPUT_KINDS else "text")  # type: ignore[assignment]
            self.current = self._target(choice.next)
            return
        if step.kind == "submit" and node.input:
            if not node.input.secret:
                self._store(node.input, step.answer or "")
            self.current = self._target(node.next)
            return
        if step.kind == "probe" and node.probe:
            target = node.probe.outcomes.get(step.answer or "", node.probe.default)
            self.current = self._target(target)
            return
        raise FlowError(f"step {step.kind} does not fit {self.current} ({node.kind})")

    def _store(self, spec: InputSpec, value: str) -> None:
        self.values[spec.name] = value
        self.adopted.discard(spec.name)
        self.kinds[spec.name] = spec.kind
