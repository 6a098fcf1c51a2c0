"""The process skips its last garbage collection (troubleshooter/teardown.py) and loses nothing."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from troubleshooter.cli import main

ROOT = Path(__file__).resolve().parent.parent
FLOWS = str(ROOT / "tests" / "fixtures" / "flows")

_WHOLE = """
import atexit, gc, os, sys
atexit.register(lambda: os.write(2, b"frozen %d" % gc.get_freeze_count()))
sys.argv = ["troubleshooter", *sys.argv[1:]]
from troubleshooter.cli import entry
entry()
"""


def test_a_whole_process_freezes_before_exit_and_keeps_output_and_code(tmp_path: Path) -> None:
    lint = ["lint", "--format", "json", "--kb", str(tmp_path), FLOWS]
    in_process_main = "import sys\nfrom troubleshooter.cli import main\nsys.exit(main(sys.argv[1:]))"
    done, in_process = (subprocess.run([sys.executable, "-c", code, *lint], cwd=ROOT, capture_output=True,
                                       text=True, timeout=120) for code in (_WHOLE, in_process_main))
    assert done.stdout == in_process.stdout and done.stdout
    assert done.returncode == in_process.returncode
    frozen = int(done.stderr.rpartition("frozen ")[2])
    assert frozen > 1000  # the modules' objects, left for the operating system to free


def test_in_process_callers_keep_their_collector(tmp_path: Path, capsys) -> None:
    before = gc.get_freeze_count()
    main(["lint", "--lang", "en", "--kb", str(tmp_path), FLOWS])
    capsys.readouterr()
    assert gc.get_freeze_count() == before
