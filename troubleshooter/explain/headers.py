"""Read the headers of a delivered message: the receiver's SPF / DKIM / DMARC verdicts with their
domains, whether they align with the From domain, the spam score, the Received chain.

The topmost ``Authentication-Results`` is the receiving server's own verdict (RFC 8601 §5:
later hops add theirs above); ``Received-SPF`` and ``DKIM-Signature`` fill what it leaves out.
Alignment is DMARC's relaxed alignment on the organisational domain, approximated by the last
two labels (three under a two-letter country code's ``co``/``com``/… zone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]?(.*)$")
_RESULT = re.compile(r"(?:^|[;\s])(spf|dkim|dmarc|compauth)\s*=\s*([a-z_]+)", re.I)
_PROPERTY = re.compile(r"\b(smtp\.mailfrom|smtp\.mail|smtp\.helo|header\.from|header\.d|header\.i|header\.s"
                       r"|header\.b)\s*=\s*\"?([^\s;\"()]+)", re.I)
_POLICY = re.compile(r"\bp=([a-z]+)", re.I)
_TAG = re.compile(r"(?:^|;)\s*([a-z]+)\s*=\s*([^;]*)", re.I)
_ADDRESS = re.compile(r"[\w.+'=-]+@([\w-]+(?:\.[\w-]+)+)")
_SPAM_SCORE = re.compile(r"(?:score|hits)=(-?\d+(?:\.\d+)?)(?:.*?required=(-?\d+(?:\.\d+)?))?", re.I)
_SPAMD_RESULT = re.compile(r"\[\s*(-?\d+(?:\.\d+)?)\s*/\s*(-?\d+(?:\.\d+)?)\s*\]")
_ENVELOPE_FROM = re.compile(r"envelope-from=\"?[^\s;\"]*@([\w.-]+)")
_SCL = re.compile(r"\bSCL:\s*(-?\d+)", re.I)
_CC_SECOND = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"}
_HEADER_LIMIT = 2000  # header fields read; a message's body pasted along is not headers


@dataclass(slots=True)
class Verdict:
    method: str  # spf, dkim, dmarc
    result: str  # pass, fail, softfail, neutral, none, temperror, permerror, …
    domain: str = ""  # spf: smtp.mailfrom's domain; dkim: d=; dmarc: header.from
    selector: str = ""  # dkim s=
    policy: str = ""  # dmarc p=

    def to_json(self) -> dict[str, str | None]:
        return {"result": self.result, "domain": self.domain or None, "selector": self.selector or None,
                "policy": self.policy or None}


@dataclass(slots=True)
class HeadersReading:
    from_domain: str = ""
    return_path_domain: str = ""
    spf: Verdict | None = None
    dkim: list[Verdict] = field(default_factory=list)
    dmarc: Verdict | None = None
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (d=, s=) of DKIM-Signature
    spam_score: float | None = None
    spam_required: float | None = None
    spam_flag: bool | None = None
    received: list[str] = field(default_factory=list)  # "from … by …", newest first
    verdict_by: str = ""  # the server that wrote the Authentication-Results used

    @property
    def spf_aligned(self) -> bool:
        return bool(self.spf and self.spf.result == "pass" and aligned(self.spf.domain, self.from_domain))

    @property
    def dkim_aligned(self) -> bool:
        return any(v.result == "pass" and aligned(v.domain, self.from_domain) for v in self.dkim)

    @property
    def authenticated(self) -> bool:
        if self.dmarc is not None and self.dmarc.result in ("pass", "fail"):
            return self.dmarc.result == "pass"
        return self.spf_aligned or self.dkim_aligned

    @property
    def dkim_selector(self) -> str:
        """The selector to check in DNS: of the signature for the From domain, else the first."""
        own = [s for d, s in self.signatures if aligned(d, self.from_domain)]
        signed = [v.selector for v in self.dkim if v.selector]
        return (own or [s for _, s in self.signatures] or signed or [""])[0]

    @property
    def findings(self) -> list[str]:
        found: list[str] = []
        spf = self.spf.result if self.spf else "none"
        if spf in ("fail", "softfail", "none", "neutral", "permerror", "temperror"):
            found.append(f"spf-{spf}")
        if not self.dkim:
            found.append("dkim-none")
        elif not any(v.result == "pass" for v in self.dkim):
            found.append(f"dkim-{self.dkim[0].result}")
        dmarc = self.dmarc.result if self.dmarc else "none"
        if dmarc != "pass":
            found.append(f"dmarc-{dmarc}")
        passed = any(v.result == "pass" for v in [*self.dkim, *([self.spf] if self.spf else [])])
        if passed and not (self.spf_aligned or self.dkim_aligned):
            found.append("not-aligned")  # something passed, but for another domain than From
        if self.spam_flag or (self.spam_score is not None and self.spam_required is not None
                              and self.spam_score >= self.spam_required):
            found.append("spam-score-high")
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "from_domain": self.from_domain or None, "return_path_domain": self.return_path_domain or None,
            "spf": self.spf.to_json() if self.spf else None, "dkim": [v.to_json() for v in self.dkim],
            "dmarc": self.dmarc.to_json() if self.dmarc else None,
            "aligned": {"spf": self.spf_aligned, "dkim": self.dkim_aligned},
            "authenticated": self.authenticated, "dkim_selector": self.dkim_selector or None,
            "spam": {"score": self.spam_score, "required": self.spam_required, "flag": self.spam_flag},
            "received": len(self.received), "verdict_by": self.verdict_by or None,
            "findings": self.findings,
        }


def organisational(domain: str) -> str:
    labels = domain.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _CC_SECOND:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def aligned(domain: str, from_domain: str) -> bool:
    return bool(domain and from_domain) and organisational(domain) == organisational(from_domain)


def unfold(lines: list[str]) -> list[tuple[str, str]]:
    """Header fields as (name, value), continuation lines joined (RFC 5322 §2.2.3)."""
    fields: list[tuple[str, list[str]]] = []
    for raw in lines:
        if raw[:1] in (" ", "\t") and fields:
            if len(fields[-1][1]) < 200:
                fields[-1][1].append(raw.strip())
            continue
        found = _HEADER.match(raw.strip())
        if found:
            if len(fields) >= _HEADER_LIMIT:
                break
            fields.append((found.group(1).lower(), [found.group(2).strip()]))
    return [(name, " ".join(parts)) for name, parts in fields]


def read_headers(lines: list[str]) -> HeadersReading:
    out = HeadersReading()
    first_results: str | None = None
    received_spf = ""
    for name, value in unfold(lines):
        if name in ("authentication-results", "x-ms-exchange-authentication-results") and first_results is None:
            first_results = value
        elif name == "arc-authentication-results" and first_results is None and "=" in value:
            first_results = value.split(";", 1)[-1] if value.lstrip().startswith("i=") else value
        elif name == "received-spf" and not received_spf:
            received_spf = value
        elif name == "dkim-signature":
            tags = {k.lower(): v.strip() for k, v in _TAG.findall(";" + value)}
            if tags.get("d"):
                out.signatures.append((tags["d"].lower(), tags.get("s", "")))
        elif name == "from" and not out.from_domain:
            found = _ADDRESS.search(value)
            out.from_domain = found.group(1).lower() if found else ""
        elif name == "return-path" and not out.return_path_domain:
            found = _ADDRESS.search(value)
            out.return_path_domain = found.group(1).lower() if found else ""
        elif name == "received":
            out.received.append(value)
        elif name in ("x-spam-status", "x-spam-score", "x-spam-flag", "x-spamd-result", "x-rspamd-score",
                      "x-forefront-antispam-report", "x-ms-exchange-organization-scl"):
            _spam(out, name, value)
    if first_results is not None:
        _results(out, first_results)
    if out.spf is None and received_spf:
        result = received_spf.split()[0].lower() if received_spf.split() else ""
        found = _ENVELOPE_FROM.search(received_spf) or _ADDRESS.search(received_spf)
        out.spf = Verdict("spf", result, found.group(1).lower() if found else out.return_path_domain)
    return out


def _results(out: HeadersReading, value: str) -> None:
    if _RESULT.match(value.lstrip()):  # no authserv-id: Microsoft 365 leaves it out
        rest = value
    else:
        head, _, rest = value.partition(";")
        out.verdict_by = head.strip().split()[0] if head.strip() else ""
    # each "method=result …" up to the next ";" (or the next method on the same line)
    spans = [(m.start(1), m.group(1).lower(), m.group(2).lower()) for m in _RESULT.finditer(rest)]
    for index, (start, method, result) in enumerate(spans):
        end = spans[index + 1][0] if index + 1 < len(spans) else len(rest)
        part = rest[start:end]
        props = {k.lower(): v for k, v in _PROPERTY.findall(part)}
        if method == "spf" and out.spf is None:
            source = props.get("smtp.mailfrom") or props.get("smtp.mail") or props.get("smtp.helo") or ""
            out.spf = Verdict("spf", result, source.rsplit("@", 1)[-1].lower())
        elif method == "dkim":
            domain = props.get("header.d") or props.get("header.i", "").rsplit("@", 1)[-1]
            domain = "" if domain.lower() == "none" else domain.lower()
            out.dkim.append(Verdict("dkim", result, domain, props.get("header.s", "").lstrip("@")))
        elif method == "dmarc" and out.dmarc is None:
            policy = _POLICY.search(part)
            out.dmarc = Verdict("dmarc", result, props.get("header.from", "").lower(),
                                policy=policy.group(1).lower() if policy else "")
    if out.dkim and out.signatures:  # selectors from the signatures where the verdict lacks them
        by_domain = dict(out.signatures)
        for verdict in out.dkim:
            verdict.selector = verdict.selector or by_domain.get(verdict.domain, "")


def _spam(out: HeadersReading, name: str, value: str) -> None:
    if name == "x-spam-flag":
        out.spam_flag = value.strip().lower().startswith("y")
        return
    if name == "x-spam-status":
        out.spam_flag = value.strip().lower().startswith("yes") if out.spam_flag is None else out.spam_flag
    if name in ("x-forefront-antispam-report", "x-ms-exchange-organization-scl"):
        found = _SCL.search(value) or re.match(r"\s*(-?\d+)", value)
        if found and out.spam_score is None:
            out.spam_score, out.spam_required = float(found.group(1)), 5.0  # SCL 5+ goes to Junk
        return
    bracket = _SPAMD_RESULT.search(value) if name == "x-spamd-result" else None
    if bracket:
        out.spam_score, out.spam_required = float(bracket.group(1)), float(bracket.group(2))
        return
    found = _SPAM_SCORE.search(value)
    if found:
        out.spam_score = float(found.group(1))
        if found.group(2):
            out.spam_required = float(found.group(2))
    elif name in ("x-spam-score", "x-rspamd-score"):
        number = re.match(r"\s*(-?\d+(?:\.\d+)?)", value)
        if number and out.spam_score is None:
            out.spam_score = float(number.group(1))
