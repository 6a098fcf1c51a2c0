"""The network probes: name, parameters and outcome set, declared without importing their code.

Lint and the engine need only the declarations (cheap); each runner below imports its
probe's module when it first runs. A flow's probe node names a probe, maps its parameters
to session values, and must handle every outcome in :attr:`ProbeSpec.outcomes` or give a
``default``. The probes a flow may call — these and ``explain-message``, which sits above
this package — are listed in :mod:`troubleshooter.flow.probes`. Scenario tests never run
probes: they hand the engine a stubbed outcome id.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from troubleshooter.probes.outcome import SMTP_OUTCOMES, ProbeOutcome, StageCallback, StageResult

if TYPE_CHECKING:
    from troubleshooter.probes.policy import TargetPolicy
    from troubleshooter.redaction import Secrets

DEFAULT_DEADLINE = 10.0
REFUSED_BY_POLICY = "refused-by-policy"  # served mode: the target policy did not allow the probe


class ProbeParam(NamedTuple):
    name: str
    required: bool = True
    secret: bool = False


Runner = Callable[..., Awaitable[ProbeOutcome]]  # ``async def (args, *, deadline, on_stage)``


class ProbeSpec(NamedTuple):
    """A probe's declaration. Immutable records here are ``NamedTuple``s: a frozen dataclass's
    generated methods are compiled from source on every start of every command."""

    name: str
    params: tuple[ProbeParam, ...]
    outcomes: frozenset[str]
    runner: Runner
    # True when the probe finds its own targets (the settings finder): under a policy it is
    # handed the policy (``policy=`` keyword) and vets every connection itself.
    vets_targets: bool = False
    # False for a check that only reads a text (a pasted message): it runs nowhere in
    # particular, and running it again gives the same answer
    network: bool = True

    def param(self, name: str) -> ProbeParam | None:
        return next((p for p in self.params if p.name == name), None)

    async def run(
        self,
        args: Mapping[str, str],
        *,
        deadline: float = DEFAULT_DEADLINE,
        on_stage: StageCallback | None = None,
        policy: TargetPolicy | None = None,
    ) -> ProbeOutcome:
        """Run the probe; never raises, never outlives ``deadline`` (plus a small grace).

        Under a ``policy`` (served mode) the target is vetted first: a refusal comes back as
        the ``refused-by-policy`` outcome with the reason in ``facts``, and the probe gets the
        vetted addresses so it does not trust a second DNS answer. Every text of the outcome,
        and each stage's detail handed to ``on_stage``, comes back scrubbed of the secret
        arguments and with control characters made visible (a server may echo a password or
        send escape codes).
        """
        secrets = self.secrets(args)
        outcome = await self._run(args, deadline, _shown_stages(on_stage, secrets), policy)
        return outcome.shown(secrets)

    def secrets(self, args: Mapping[str, str]) -> Secrets:
        """The values of this probe's secret parameters, in all their forms."""
        from troubleshooter.redaction import Secrets

        return Secrets(*(str(args.get(p.name) or "") for p in self.params if p.secret),
                       username=str(args.get("username") or args.get("entered_username") or ""))

    async def _run(self, args: Mapping[str, str], deadline: float, on_stage: StageCallback | None,
                   policy: TargetPolicy | None) -> ProbeOutcome:
        # here, not at the top: lint and the engine only read the declarations
        import asyncio

        from troubleshooter.probes.smtp_session import Deadline, DeadlineExceeded

        started = time.monotonic()
        try:
            extra: dict[str, object] = {}
            if policy is not None and self.vets_targets:
                extra["policy"] = policy
            elif policy is not None:
                from troubleshooter.probes.policy import Admission, PolicyRefusal

                admitted = await Deadline.after(deadline).run(policy.admit(args))
                if isinstance(admitted, PolicyRefusal):
                    return ProbeOutcome(self.name, REFUSED_BY_POLICY, stage="policy",
                                        facts=admitted.facts(), elapsed=time.monotonic() - started)
                if not isinstance(admitted, Admission):  # the name did not resolve
                    return ProbeOutcome(self.name, admitted.outcome, stage="dns",
                                        facts={"host": args.get("host", "")},
                                        elapsed=time.monotonic() - started)
                spent = time.monotonic() - started
                args, deadline = admitted.args, max(0.1, min(deadline, policy.deadline) - spent)
                if self.name == "port-sweep" and not args.get("ports"):  # given ports were vetted above
                    from troubleshooter.probes.sweep import SWEEP_PORTS

                    allowed = [str(p) for p in SWEEP_PORTS if policy.check_port(p) is None]
                    args = {**args, "ports": ",".join(allowed) or str(args.get("port") or 587)}
                if policy.dns_server and self.param("nameserver") and not args.get("nameserver"):
                    args = {**args, "nameserver": policy.dns_server}  # served: the configured DNS only
            return await Deadline.after(deadline + 0.5).run(
                self.runner(dict(args), deadline=deadline, on_stage=on_stage, **extra)
            )
        except DeadlineExceeded:
            return ProbeOutcome(self.name, "deadline", elapsed=time.monotonic() - started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a probe bug must not take the conversation down
            return ProbeOutcome(
                self.name, "protocol-error", facts={"internal_error": type(exc).__name__},
                elapsed=time.monotonic() - started,
            )


def _shown_stages(on_stage: StageCallback | None, secrets: Secrets) -> StageCallback | None:
    """A front end's stage callback that sees each stage's detail scrubbed and made visible."""
    if on_stage is None:
        return None

    def shown(stage: str, event: str, result: StageResult | None) -> None:
        if result is not None:
            result = StageResult(result.stage, result.ok, result.elapsed,
                                 secrets.shown(result.detail, keep=""), result.outcome)
        on_stage(stage, event, result)

    return shown


# Each runner imports its probe's code on the first run (asyncio, ssl, dnspython are not cheap).

async def _smtp_connection(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.smtp import probe_connection

    return await probe_connection(args, **options)


async def _smtp_login(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.smtp import probe_login

    return await probe_login(args, **options)


async def _smtp_test_message(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.smtp import probe_test_message

    return await probe_test_message(args, **options)


async def _port_sweep(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.sweep import probe_port_sweep

    return await probe_port_sweep(args, **options)


async def _domain_health(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.domain import probe_domain_health

    return await probe_domain_health(args, **options)


async def _find_settings(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.find_settings import probe_find_settings

    return await probe_find_settings(args, **options)


async def _identify_provider(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.probes.identify import probe_identify_provider

    return await probe_identify_provider(args, **options)


_CONNECTION = frozenset(
    o for o in SMTP_OUTCOMES
    if not o.startswith("auth-") and o not in {
        "sender-rejected", "sender-domain-rejected", "country-blocked", "recipient-rejected",
        "relay-denied", "message-rejected", "smtp-off", "dmarc-rejected",
    }
) | {REFUSED_BY_POLICY}
_LOGIN = _CONNECTION | {o for o in SMTP_OUTCOMES if o.startswith("auth-")}
_MESSAGE = _LOGIN | {
    "sender-rejected", "sender-domain-rejected", "country-blocked", "recipient-rejected", "relay-denied",
    "message-rejected", "dmarc-rejected",
}
_SMTP_PARAMS = (
    ProbeParam("host"),
    ProbeParam("port", required=False),
    ProbeParam("security", required=False),
)

NETWORK_PROBES: dict[str, ProbeSpec] = {
    spec.name: spec
    for spec in (
        ProbeSpec(
            "smtp-connection",
            _SMTP_PARAMS,
            _CONNECTION,
            _smtp_connection,
        ),
        ProbeSpec(
            "smtp-login",
            (*_SMTP_PARAMS, ProbeParam("username"), ProbeParam("password", secret=True)),
            _LOGIN,
            _smtp_login,
        ),
        ProbeSpec(
            "smtp-test-message",
            (
                *_SMTP_PARAMS,
                ProbeParam("username", required=False),
                ProbeParam("password", required=False, secret=True),
                ProbeParam("sender"),
                ProbeParam("recipient"),
            ),
            _MESSAGE,
            _smtp_test_message,
        ),
        ProbeSpec(
            "port-sweep",
            (ProbeParam("host"), ProbeParam("ports", required=False)),
            frozenset({"ok", "ports-blocked", "nothing-listens", "network-unreachable", "protocol-error",
                       "dns-not-found", "dns-failed", "deadline", REFUSED_BY_POLICY}),
            _port_sweep,
        ),
        ProbeSpec(
            "domain-health",
            (ProbeParam("sender"), ProbeParam("dkim_selector", required=False),
             ProbeParam("nameserver", required=False)),
            frozenset({"ok", "domain-warnings", "spf-missing", "spf-invalid", "dmarc-missing",
                       "dkim-missing", "domain-not-found", "dns-failed", "deadline"}),
            _domain_health,
        ),
        ProbeSpec(
            "identify-provider",
            (ProbeParam("username", required=False), ProbeParam("sender", required=False),
             ProbeParam("provider", required=False), ProbeParam("nameserver", required=False)),
            frozenset({*(f"provider-{p}" for p in ("gmail", "microsoft365", "seznam", "active24", "forpsi",
                                                  "wedos")),
                       "provider-unknown", "deadline", "protocol-error", REFUSED_BY_POLICY}),
            _identify_provider,
        ),
        ProbeSpec(
            "find-settings",
            (ProbeParam("sender"), ProbeParam("password", required=False, secret=True),
             *(ProbeParam(f"entered_{name}", required=False)
               for name in ("host", "port", "security", "username"))),
            frozenset({"found", "found-needs-app-password", "found-unverified", "login-failed", "not-found",
                       "deadline", REFUSED_BY_POLICY}),
            _find_settings,
            vets_targets=True,
        ),
    )
}

