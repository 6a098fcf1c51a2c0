"""The flow model: what documentation maintainers author in ``flows/*.yaml``.

Everything here is plain, immutable data. Targets (``next``, choice and outcome targets)
stay as the authored strings — ``node-id`` or ``flow-id:node-id`` — and are resolved by
:class:`FlowSet`, so lint can report a dangling one at the place it was written.

The records are ``msgspec.Struct`` types rather than frozen dataclasses: the same declared
fields, equality, hashing and immutability, but built in C. A 10,000-node flow is some 60,000
of them (nodes, texts, choices, inputs, probe calls), and a Struct is several times cheaper
to create than a frozen dataclass. Records with a field kept out of ``repr`` or comparison
(a finding's cleaned value may be a secret) stay dataclasses, which can say so per field.
"""

from __future__ import annotations

from typing import Literal

from msgspec import Struct, field

from troubleshooter.i18n import Text

NodeKind = Literal["question", "input", "probe", "info", "end"]
NODE_KINDS: tuple[NodeKind, ...] = ("question", "input", "probe", "info", "end")
EndStatus = Literal["resolved", "not-resolved", "escalate"]
END_STATUSES: tuple[EndStatus, ...] = ("resolved", "not-resolved", "escalate")

# What an input value is; input checks and cross-field checks are chosen by kind.
InputKind = Literal[
    "host", "port", "security", "sender", "username", "password", "recipient", "message", "text"
]
INPUT_KINDS: tuple[InputKind, ...] = (
    "host", "port", "security", "sender", "username", "password", "recipient", "message", "text",
)

# Choice ids the engine supplies itself; authors may not use them.
ESCALATE = "escalate"
CONTINUE = "next"
CHECK_AGAIN = "check-again"  # on the step after a check's result: run that check once more
ESCALATE_NODE = "__escalate__"
PROVIDER_ARTICLE = "{provider.article}"  # a variant's article: the known provider's own


class NodeRef(Struct, frozen=True):
    flow: str
    node: str

    def __str__(self) -> str:
        return f"{self.flow}:{self.node}"

    @classmethod
    def parse(cls, target: str, current_flow: str) -> NodeRef:
        """``node`` stays in the current flow; ``flow:node`` jumps into another one."""
        flow, sep, node = target.partition(":")
        return cls(flow, node) if sep else cls(current_flow, target)


class Choice(Struct, frozen=True):
    id: str
    label: Text
    next: str
    # take the values the check just before proposes (a working port and encryption, a known
    # provider's host from the certificate) before going on; offered only when it proposes some
    adopt: bool = False
    # the values that make this the answer (``{port: "465", security: [starttls, none]}``): when
    # the conversation already knows them, this choice is offered first, said to be what the user
    # entered, so a question never asks anew for what the user already gave
    given: dict[str, tuple[str, ...]] = field(default_factory=dict)


class InputSpec(Struct, frozen=True):
    name: str
    kind: InputKind
    secret: bool = False
    optional: bool = False


class ProbeCall(Struct, frozen=True):
    name: str
    # probe parameter -> "$value-name" (a session value) or a literal
    args: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    default: str | None = None


class Variant(Struct, frozen=True):
    """Words that follow what the user already said: when every value in ``when`` is set as
    given (``{site: wordpress}``; ``{provider: "*"}`` for any known provider), the node's text,
    article and the named choices' labels are these, and the ``hide`` choices are not offered.
    Several variants may match: the first one that says a thing wins."""

    when: dict[str, str]
    text: Text | None = None
    labels: dict[str, Text] = field(default_factory=dict)
    article: str | None = None  # an article id, or "{provider.article}" (the provider's own)
    hide: tuple[str, ...] = ()


class Node(Struct, frozen=True):
    id: str
    kind: NodeKind
    text: Text | None = None
    title: Text | None = None
    article: str | None = None
    next: str | None = None
    choices: tuple[Choice, ...] = ()
    store: InputSpec | None = None  # question: store the chosen id as this value
    input: InputSpec | None = None
    probe: ProbeCall | None = None
    status: EndStatus | None = None
    variants: tuple[Variant, ...] = ()

    def targets(self) -> list[tuple[str, str]]:
        """(label for messages, authored target) for every way out of this node."""
        found: list[tuple[str, str]] = []
        if self.next:
            found.append(("next", self.next))
        found.extend((f"choice {c.id}", c.next) for c in self.choices)
        if self.probe:
            found.extend((f"outcome {o}", t) for o, t in self.probe.outcomes.items())
            if self.probe.default:
                found.append(("default", self.probe.default))
        return found


class Flow(Struct):
    id: str
    title: Text
    start: str
    nodes: dict[str, Node]
    path: str = "<memory>"
    escalate: str | None = None  # an authored node to go to on "I need a person"


class FlowSet:
    """All loaded flows, by id, with target resolution across flows."""

    def __init__(self, flows: dict[str, Flow] | None = None) -> None:
        self.flows: dict[str, Flow] = dict(flows or {})

    def __contains__(self, flow_id: str) -> bool:
        return flow_id in self.flows

    def __iter__(self):
        return iter(self.flows.values())

    def __len__(self) -> int:
        return len(self.flows)

    def flow(self, flow_id: str) -> Flow:
        return self.flows[flow_id]

    def start_of(self, flow_id: str) -> NodeRef:
        return NodeRef(flow_id, self.flows[flow_id].start)

    def resolve(self, target: str, current_flow: str) -> NodeRef | None:
        ref = NodeRef.parse(target, current_flow)
        flow = self.flows.get(ref.flow)
        if flow is None or (ref.node not in flow.nodes and ref.node != ESCALATE_NODE):
            return None
        return ref

    def node(self, ref: NodeRef) -> Node:
        return self.flows[ref.flow].nodes[ref.node]

    def default_flow(self) -> str:
        """The flow a conversation starts with when none is named: ``smtp``, else the first."""
        if "smtp" in self.flows:
            return "smtp"
        return next(iter(sorted(self.flows)))
