"""The question box's answers (search, explanation of a pasted message) in a worker process.

What it buys, measured (docs/benchmarks.md, "Web page"): explaining a 1 MB pasted debug
log takes seconds of pure-Python CPU. In a thread of the server process it holds the GIL
against the event loop, and every other visitor's steps slow down several times over; in a
process of its own the event loop keeps more of its pace (``bench/bench_web.py`` prints
both rates). Short questions pay a pickled round trip of a few kB.

The process is started with ``spawn`` (the server runs threads; forking them is unsafe),
warmed with one question, and started again if it dies.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from troubleshooter.i18n import Lang
from troubleshooter.ui.app.services import Reply, answer


def _warm(kb: str | None) -> None:
    answer("port", "en", kb)  # imports and indexes once, before the first visitor waits


class AnswerPool:
    def __init__(self, kb: str | None, workers: int = 1) -> None:
        self.kb = kb
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_warm, initargs=(self.kb,))
        return self._pool

    async def answer(self, question: str, lang: Lang, context: Any = None) -> Reply:
        """``context`` (services.search_context: the conversation's node, the provider) breaks ties."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), answer, question, lang, self.kb, context)
        except BrokenProcessPool:  # the worker died (killed, out of memory): a new one next time
            self._pool = None
            raise

    def start(self) -> None:
        """Start the worker now (its initializer warms it), not when the first visitor asks."""
        self._executor().submit(int)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
