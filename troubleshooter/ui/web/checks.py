"""Running a conversation's checks (probes) for the web page, watched live or awaited.

One :class:`CheckRun` per conversation at a time: it runs the probe of the current node
under the target policy and its deadline, hands the outcome to the engine, and goes on
while the engine lands on another probe node (connection → login), like the terminal app.
Every stage is an event kept in order, so a browser that subscribes late (Server-Sent
Events) or a page rendered mid-check sees all of them; a form post without JavaScript
simply awaits :meth:`CheckRun.wait`. The run belongs to the conversation, not to the
request: a double submit finds it already running and never starts a second login.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from troubleshooter.flow.probes import probe_spec
from troubleshooter.i18n import LANGS, text
from troubleshooter.probes import registry
from troubleshooter.probes.outcome import ProbeOutcome, StageResult
from troubleshooter.probes.smtp_session import Deadline, DeadlineExceeded

if TYPE_CHECKING:
    from troubleshooter.ui.web.store import RecipientLedger, WebSession

TEST_MESSAGE = "smtp-test-message"


def stage_name(stage: str) -> dict[str, str]:
    """A stage's name in both languages, as every front end says it (never its id)."""
    from troubleshooter.probes.result_text import stage_name as said

    return {lang: said(stage, lang) for lang in LANGS}


class CheckRun:
    def __init__(self, web: WebSession, slots: asyncio.Semaphore, recipients: RecipientLedger,
                 max_test_mails: int) -> None:
        self.web = web
        self.events: list[dict[str, Any]] = []
        self.done = False
        self._slots = slots
        self._recipients = recipients
        self._max_test_mails = max_test_mails
        self._changed = asyncio.Condition()
        self.task = asyncio.get_running_loop().create_task(self._run())

    # -- watching ---------------------------------------------------------------------------
    async def wait(self, timeout: float) -> bool:
        """Await the end of the run (True), or give up after ``timeout`` seconds (False)."""
        with contextlib.suppress(DeadlineExceeded):
            await Deadline.after(timeout).run(asyncio.shield(self.task))
        return self.done

    async def stream(self) -> AsyncIterator[dict[str, Any]]:
        """Every event from the first, then live ones until the run ends."""
        sent = 0
        while True:
            async with self._changed:
                await self._changed.wait_for(lambda seen=sent: len(self.events) > seen or self.done)
                fresh = self.events[sent:]
                finished = self.done
            sent += len(fresh)
            for event in fresh:
                yield event
            if finished and sent == len(self.events):
                return

    def cancel(self) -> None:
        self.task.cancel()

    # -- running ----------------------------------------------------------------------------
    async def _emit(self, event: dict[str, Any]) -> None:
        async with self._changed:
            self.events.append(self.web.session.secrets().scrub_data(event))
            self._changed.notify_all()

    async def _run(self) -> None:
        session = self.web.session
        try:
            async with self._slots:
                while True:
                    view = session.view()
                    if view.probe is None or session.missing_values() or session.unset_values():
                        break
                    spec = probe_spec(view.probe.name)
                    if spec is None:
                        break
                    ref = view.ref
                    await self._emit({"type": "probe", "probe": spec.name,
                                      "title": (view.title or view.flow_title).to_json()})
                    outcome = await self._probe(spec)
                    if session.current != ref:  # the visitor went elsewhere meanwhile
                        break
                    session.record_probe(outcome)
                    await self._emit({"type": "result", "probe": spec.name, "outcome": outcome.outcome})
        finally:
            async with self._changed:
                self.done = True
                self._changed.notify_all()

    async def _probe(self, spec: registry.ProbeSpec) -> ProbeOutcome:
        session, policy = self.web.session, self.web.policy
        args = session.probe_arguments()
        try:
            if spec.name == TEST_MESSAGE:
                refused = self._test_mail_refusal(args.get("recipient", ""))
                if refused is not None:
                    return refused
            loop = asyncio.get_running_loop()

            def on_stage(stage: str, state: str, result: StageResult | None) -> None:
                event: dict[str, Any] = {"type": "stage", "stage": stage, "name": stage_name(stage),
                                         "state": state}
                if result is not None:
                    event.update(ok=result.ok, elapsed_ms=round(result.elapsed * 1000),
                                 detail=result.detail)
                loop.create_task(self._emit(event))

            outcome = await spec.run(args, deadline=policy.deadline, on_stage=on_stage, policy=policy)
            await asyncio.sleep(0)  # let the last stage events land before the result
            return outcome
        finally:
            args.clear()

    def _test_mail_refusal(self, recipient: str) -> ProbeOutcome | None:
        """Test e-mails are capped per conversation and per recipient (all visitors)."""
        if self.web.test_mails >= self._max_test_mails:
            message = text("web.test-mail-limit-session", limit=self._max_test_mails)
        elif not self._recipients.take(recipient):
            message = text("web.test-mail-limit-recipient", limit=self._recipients.limit)
        else:
            self.web.test_mails += 1
            return None
        return ProbeOutcome(TEST_MESSAGE, registry.REFUSED_BY_POLICY, stage="policy",
                            facts={"policy": "test-mail-limit", "message": message.to_json()})
