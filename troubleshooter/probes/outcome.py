"""The typed result every probe returns, and the outcome vocabulary shared by all layers.

Outcome ids are the one vocabulary used by probes, red-message explanations, flows
(``outcomes:`` keys), articles and JSON output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from troubleshooter.redaction import Secrets

# Outcomes of the SMTP and DNS probes (issue "Live probes"); flows branch on these ids.
SMTP_OUTCOMES: tuple[str, ...] = (
    "ok",
    "dns-not-found",
    "dns-failed",
    "connection-refused",
    "connection-timeout",
    "network-unreachable",
    "tls-mismatch",
    "starttls-missing",
    "certificate-invalid",
    "certificate-name-mismatch",
    "intercepted",
    "server-unavailable",
    "protocol-error",
    "auth-not-offered",
    "auth-requires-tls",
    "auth-failed",
    "auth-app-password",
    "auth-disabled",
    "auth-basic-off",
    "auth-m365-refused",
    "auth-tempfail",
    "country-blocked",
    "sender-rejected",
    "sender-domain-rejected",
    "recipient-rejected",
    "relay-denied",
    "message-rejected",
    "smtp-off",
    "dmarc-rejected",
    "deadline",
)
# what a pasted transcript, bounce or message's headers can add to the SMTP outcomes (explain)
PASTE_OUTCOMES: tuple[str, ...] = (
    "connect-failed",  # "SMTP connect() failed" alone: ambiguous, the flow asks port and encryption
    "mailbox-full",
    "message-too-large",
    "ip-blocklisted",
    "spf-rejected",
    "message-accepted",
    "message-authenticated",
    "sender-not-authenticated",
)


@dataclass(slots=True)
class StageResult:
    """One stage of a probe (dns, connect, banner, ehlo, tls, auth, mail, …) and how long it took."""

    stage: str
    ok: bool
    elapsed: float  # seconds
    detail: str = ""
    outcome: str | None = None  # the outcome id this stage ended with, when it failed


@dataclass(slots=True)
class ProbeOutcome:
    """What a probe found. Never holds a secret: transcripts are redacted when recorded."""

    probe: str
    outcome: str
    stage: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    stages: list[StageResult] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def shown(self, secrets: Secrets | None = None) -> ProbeOutcome:
        """The same outcome with every text scrubbed of ``secrets`` and its control characters
        made visible (servers' and DNS answers' text may carry escape codes)."""
        from troubleshooter.redaction import Secrets

        return ProbeOutcome.from_json((secrets or Secrets()).shown_data(self.to_json()))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProbeOutcome:
        stages = [StageResult(**s) for s in data.get("stages", [])]
        return cls(
            probe=data["probe"],
            outcome=data["outcome"],
            stage=data.get("stage", ""),
            facts=dict(data.get("facts", {})),
            stages=stages,
            transcript=list(data.get("transcript", [])),
            elapsed=float(data.get("elapsed", 0.0)),
        )


# A front end passes this to watch stages live: called with (stage, "start"|"done", result|None).
StageCallback = Callable[[str, str, StageResult | None], None]
