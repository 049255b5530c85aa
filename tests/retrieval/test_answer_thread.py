"""The answer thread: jobs run one at a time off the loop, results and errors come back to the
awaiting task, a job its asker gave up on before it started is skipped, and a closed loop does
not stop the thread for everyone else."""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading
from collections.abc import Callable

import pytest

from retrieval.answer_thread import AnswerThread

ASKER = contextvars.ContextVar("ASKER", default="nobody")


async def test_jobs_run_in_one_thread_off_the_loop_in_order() -> None:
    answers = AnswerThread()
    ran: list[tuple[int, int]] = []

    def job(i: int) -> int:
        ran.append((i, threading.get_ident()))
        return i * i

    results = await asyncio.gather(*(answers.run(lambda i=i: job(i)) for i in range(20)))

    assert results == [i * i for i in range(20)]
    assert [i for i, _ in ran] == list(range(20))
    assert len({thread for _, thread in ran}) == 1
    assert threading.get_ident() not in {thread for _, thread in ran}


async def test_an_error_reaches_the_asker_and_the_thread_goes_on() -> None:
    answers = AnswerThread()

    def broken() -> None:
        raise ValueError("no such paragraph")

    with pytest.raises(ValueError, match="no such paragraph"):
        await answers.run(broken)
    assert await answers.run(lambda: "still answering") == "still answering"


async def test_the_job_sees_the_askers_context() -> None:
    answers = AnswerThread()
    ASKER.set("ana")
    assert await answers.run(ASKER.get) == "ana"


async def test_a_job_given_up_before_it_starts_is_skipped() -> None:
    answers = AnswerThread()
    started = threading.Event()
    release = threading.Event()
    ran: list[str] = []

    def slow() -> None:
        started.set()
        release.wait(5)
        ran.append("slow")

    first = answers.run(slow)
    await asyncio.to_thread(started.wait, 5)
    second = answers.run(lambda: ran.append("given up"))
    second.cancel()
    release.set()
    await first
    assert await answers.run(lambda: "next") == "next"
    assert ran == ["slow"]


def test_a_closed_loop_does_not_stop_the_thread() -> None:
    answers = AnswerThread()
    started = threading.Event()
    release = threading.Event()

    async def ask_and_leave() -> None:
        def slow() -> str:
            started.set()
            release.wait(5)
            return "too late"

        answers.run(slow)
        await asyncio.to_thread(started.wait, 5)

    asyncio.run(ask_and_leave())  # the loop closes while the job still runs
    release.set()

    async def ask_again() -> str:
        return await answers.run(lambda: "answered")

    assert asyncio.run(ask_again()) == "answered"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_answers_with_a_thread_of_its_own() -> None:
    answers = AnswerThread()
    os.register_at_fork(after_in_child=answers._forget_thread)
    assert asyncio.run(_ask(answers, lambda: "parent")) == "parent"
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if it got its answer, and never return to pytest
        code = 1
        try:
            code = 0 if asyncio.run(_ask(answers, lambda: "child")) == "child" else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert asyncio.run(_ask(answers, lambda: "parent again")) == "parent again"


async def _ask(answers: AnswerThread, job: Callable[[], str]) -> str:
    return await asyncio.wait_for(answers.run(job), 5)
