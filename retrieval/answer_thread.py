"""The one thread answers are made in: fed by a queue, each result handed back to its loop.

An answer (parsing, scoring, the paragraph reads, excerpts) holds the GIL most of the time, so
one thread answers as many questions a second as more would on two cores, and it keeps the
index's scratch buffer and the arrays it reads in one CPU's caches from one answer to the next
(at 1M paragraphs a thread pool, handing consecutive jobs to its threads in turn, scored in
1.65 ms against 1.45 ms here). It is a bare thread rather than a ThreadPoolExecutor: the
executor's hand-off (a concurrent Future wrapped in an asyncio one, the pool's bookkeeping)
cost ~0.1 ms more per answer at 1M (docs/operations.md, "The seventh pass").
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[
    asyncio.AbstractEventLoop, "asyncio.Future[Any]", contextvars.Context, Callable[[], Any]
]


class AnswerThread:
    """Runs blocking jobs one at a time in a daemon thread started on first use."""

    def __init__(self, name: str = "answer") -> None:
        self._name = name
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def run(self, job: Callable[[], T]) -> asyncio.Future[T]:
        """Queue `job` (run in a copy of the caller's context); a future of the running loop
        settles with its result or exception. Cancelling the future before the job starts
        skips it; once started, the job runs to its end and the result is dropped."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if self._thread is None:
            self._start()
        self._jobs.put((loop, future, contextvars.copy_context(), job))
        return future

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                thread.start()
                self._thread = thread

    def _work(self) -> None:
        while True:
            loop, future, context, job = self._jobs.get()
            if future.cancelled():  # its asker gave up while it waited
                continue
            try:
                result, error = context.run(job), None
            except BaseException as caught:  # the asker's to handle, as with an executor
                result, error = None, caught
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for it
                loop.call_soon_threadsafe(_settle, future, result, error)
            del loop, future, context, job, result, error  # hold nothing while idle

    def _forget_thread(self) -> None:
        """In a forked child the thread does not exist: start a new one on next use."""
        self._thread = None
        self._jobs = queue.SimpleQueue()
        self._start_lock = threading.Lock()


def _settle(future: asyncio.Future[Any], result: object, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


ANSWERS = AnswerThread()
os.register_at_fork(after_in_child=ANSWERS._forget_thread)
