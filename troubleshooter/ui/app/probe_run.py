"""Running the current node's check: a worker of the conversation pane, drawn by a ProbePanel.

One check runs at a time (an exclusive worker group); leaving its node cancels it. When it
ends the pane gets :class:`~.messages.ProbeFinished` (it records the outcome and moves on)
or :class:`~.messages.ProbeCancelled` (it redraws the answer area).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from troubleshooter.i18n import LANGS, Text, text, tr
from troubleshooter.ui.app import served
from troubleshooter.ui.app.messages import ProbeCancelled, ProbeFinished
from troubleshooter.ui.app.widgets import BLANK, ProbePanel

if TYPE_CHECKING:
    from textual.widget import Widget

    from troubleshooter.flow.engine import Session
    from troubleshooter.probes.policy import TargetPolicy

PROBE_DEADLINE = 15.0


class ProbeRunner:
    """Starts and cancels the check of the node shown; knows which node's check is running."""

    def __init__(self, owner: Widget, policy: TargetPolicy | None) -> None:
        self.owner = owner  # runs the worker and receives the messages
        self.policy = policy  # `troubleshooter serve`: every check runs under the target policy
        self.ref: object | None = None  # the node whose check is running, else None

    @property
    def running(self) -> bool:
        return self.ref is not None

    def start(self, session: Session, panel: ProbePanel) -> None:
        """Run the check of the node ``session`` is at, its stages drawn in ``panel`` (in both
        languages: a switch mid-check redraws it)."""
        from troubleshooter.flow.probes import probe_spec

        view = session.view()
        if view.probe is None:
            return
        spec = probe_spec(view.probe.name)
        if spec is None:
            panel.begin(text("probe.unknown", probe=view.probe.name), BLANK)
            panel.finish(BLANK)
            return
        name = view.title or view.flow_title
        title = Text(*("\n".join(filter(None, (tr("probe.title", lang, probe=name.get(lang)),
                                               served.network_note(self.policy, lang))))
                       for lang in LANGS))
        panel.begin(title, text("probe.running"), PROBE_DEADLINE)
        self.ref = view.ref
        args = session.probe_arguments()
        ca_file = getattr(getattr(self.owner.app, "args", None), "ca_file", None)
        if ca_file and self.policy is None:  # --ca-file: a CA the checks trust too (the practice server's)
            args["ca_file"] = ca_file
        self.owner.run_worker(self._run(spec, args, view.ref, panel),
                               group="probe", exclusive=True, exit_on_error=False, name="probe")

    def cancel(self) -> None:
        self.owner.workers.cancel_group(self.owner, "probe")

    async def _run(self, spec, args: dict[str, str], ref, panel: ProbePanel) -> None:
        def on_stage(stage: str, status: str, result) -> None:
            if panel.is_mounted:
                panel.on_stage(stage, status, result)

        try:
            outcome = await spec.run(args, deadline=PROBE_DEADLINE, on_stage=on_stage, policy=self.policy)
        except asyncio.CancelledError:
            self.ref = None
            if panel.is_mounted:
                panel.finish(text("probe.cancelled"))
                self.owner.post_message(ProbeCancelled())
            raise
        finally:
            args.clear()
        self.ref = None
        self.owner.post_message(ProbeFinished(ref, outcome))
