"""A command's --timeout counts from the process's start, and a missed deadline says why
(issue #20, item 10). Start-up time is simulated by shifting the clock the command reads."""

from __future__ import annotations

import json
import time

from smtp_servers import misbehaving_server_in_thread

from troubleshooter import clock
from troubleshooter.cli import main


def _started_ago(monkeypatch, seconds: float) -> None:
    """As if the process had started ``seconds`` before now."""
    zero = time.monotonic() - seconds
    monkeypatch.setattr(clock, "process_age", lambda: time.monotonic() - zero)


def _diagnose(port: int, *extra: str) -> list[str]:
    return ["diagnose", "--host", "127.0.0.1", "--port", str(port), "--security", "starttls",
            "--lang", "en", "--timeout", "1", *extra]


def _timed_check(capsys) -> float:
    """How long a 1 s diagnose of a silent server took; it ends on its deadline."""
    with misbehaving_server_in_thread("silent") as port:
        started = time.monotonic()
        main(_diagnose(port, "--json"))
        took = time.monotonic() - started
    assert json.loads(capsys.readouterr().out)["cause"] == "deadline"
    return took


def test_the_probe_gets_only_what_is_left_after_start_up(monkeypatch, capsys):
    _started_ago(monkeypatch, 0.6)
    took = _timed_check(capsys)
    assert took < 0.8, took  # ~0.35 s left of the 1 s; the old code waited the full second


def test_a_missed_deadline_on_a_busy_machine_is_said(monkeypatch, capsys):
    import os

    _started_ago(monkeypatch, 1.6)  # start-up alone took longer than the whole limit
    monkeypatch.setattr(os, "getloadavg", lambda: (50.0, 50.0, 50.0))
    with misbehaving_server_in_thread("silent") as port:
        main(_diagnose(port, "--json"))
        data = json.loads(capsys.readouterr().out)
        assert data["deadline_missed"]["busy"] is True and data["deadline_missed"]["by"] >= 0.6
        main(_diagnose(port))
    assert "because this computer was busy" in capsys.readouterr().out


def test_process_age_is_measured_from_the_process_start():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import time; time.sleep(0.5)\n"
                           "from troubleshooter.clock import process_age; print(process_age())"],
                          capture_output=True, text=True, timeout=30)
    assert float(done.stdout) >= 0.5  # the sleep before the import counts


def test_a_later_command_in_a_long_lived_process_gets_its_whole_limit(monkeypatch, capsys):
    """Tests and embedding programs call main() long after their process started."""
    _started_ago(monkeypatch, 120.0)
    took = _timed_check(capsys)
    assert took >= 0.8, took
