"""The one thread answers are made in: fed by a queue, each result handed back to its loop.

An answer (parsing, scoring, the paragraph reads, excerpts) holds the GIL most of the time, so
one thread answers as many questions a second as more would on two cores, and it keeps the
index's scratch buffer and the arrays it reads in one CPU's caches from one answer to the next
(at 1M paragraphs a thread pool, handing consecutive jobs to its threads in turn, scored in
1.65 ms against 1.45 ms here). It is a bare thread rather than a ThreadPoolExecutor: the
executor's hand-off (a concurrent Future wrapped in an asyncio one, the pool's bookkeeping)
cost ~0.1 ms more per answer at 1M (docs/operations.md, "The seventh pass").

The thread is woken through a pipe, not a lock or condition: Linux treats a pipe write as a
synchronous wake-up and tends to run the woken thread on the writer's CPU, which is about to
wait for it anyway. Woken by a futex (queue.SimpleQueue), it was often run on the other CPU,
idle and halted in a virtual machine, and the hand-off cost ~0.45 ms instead of ~0.06 ms in
some processes (docs/operations.md, "The eighth pass").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import os
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
        self._jobs: collections.deque[_Job] = collections.deque()  # appends and pops are atomic
        self._wake_read, self._wake_write = _wake_pipe()
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
        self._jobs.append((loop, future, contextvars.copy_context(), job))
        with contextlib.suppress(BlockingIOError):  # a full pipe: the thread has wake-ups due
            os.write(self._wake_write, b"\0")
        return future

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:
                thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                thread.start()
                self._thread = thread

    def _work(self) -> None:
        while True:
            os.read(self._wake_read, 4096)  # blocks (without the GIL) until a job is queued
            while self._jobs:  # every job queued so far: a wake-up may stand for several
                self._run(*self._jobs.popleft())

    @staticmethod
    def _run(
        loop: asyncio.AbstractEventLoop,
        future: asyncio.Future[Any],
        context: contextvars.Context,
        job: Callable[[], Any],
    ) -> None:
        if future.cancelled():  # its asker gave up while it waited
            return
        try:
            result, error = context.run(job), None
        except BaseException as caught:  # the asker's to handle, as with an executor
            result, error = None, caught
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for it
            loop.call_soon_threadsafe(_settle, future, result, error)

    def _forget_thread(self) -> None:
        """In a forked child the thread does not exist: start a new one on next use."""
        self._thread = None
        self._jobs = collections.deque()
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_read, self._wake_write = _wake_pipe()
        self._start_lock = threading.Lock()


def _wake_pipe() -> tuple[int, int]:
    """A pipe whose write end never blocks the loop (a full pipe already means a wake-up)."""
    read, write = os.pipe()
    os.set_blocking(write, False)
    return read, write


def _settle(future: asyncio.Future[Any], result: object, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


ANSWERS = AnswerThread()
os.register_at_fork(after_in_child=ANSWERS._forget_thread)
