"""The commands' help is laid out as argparse's own, as wide as shutil would make it
(commands.HelpFormatter asks os.get_terminal_size, so argparse need not import shutil)."""

from __future__ import annotations

import argparse
import shutil

import pytest

from troubleshooter.commands import HelpFormatter, terminal_columns
from troubleshooter.commands.diagnose import configure


@pytest.mark.parametrize("columns", [None, "50", "200", "0", "-3", "wide"])
def test_help_is_as_wide_as_argparse_makes_it(columns, monkeypatch):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delenv("LINES", raising=False)
    assert terminal_columns() == shutil.get_terminal_size().columns
    ours = argparse.ArgumentParser(prog="troubleshooter diagnose", formatter_class=HelpFormatter)
    theirs = argparse.ArgumentParser(prog="troubleshooter diagnose")
    configure(ours)
    configure(theirs)
    assert ours.format_help() == theirs.format_help()
