"""Background jobs of the site build: a forked child where that is safe, inline elsewhere."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from duban.web.background import ChildFailed, Job, can_fork

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="jobs fork on Linux only")


def pid_and(value: object) -> tuple[int, object]:
    return os.getpid(), value


def fail(message: str) -> None:
    raise ValueError(message)


def die() -> None:
    os._exit(3)


@linux_only
def test_job_runs_in_a_child_and_returns_its_value() -> None:
    big = {f"T-{n}": "x" * 100 for n in range(20_000)}  # more than a pipe's buffer
    job = Job(pid_and, big)
    assert job.forked
    pid, value = job.result()
    assert pid != os.getpid() and value == big
    assert job.result() == (pid, big)  # asked twice: the same answer


@linux_only
def test_job_error_is_raised_in_the_parent_with_the_childs_traceback() -> None:
    job = Job(fail, "坏数据")
    with pytest.raises(ValueError, match="坏数据") as info:
        job.result()
    assert any("in fail" in note for note in getattr(info.value, "__notes__", []))


@linux_only
def test_a_child_that_dies_is_reported() -> None:
    with pytest.raises(ChildFailed, match="exit 3"):
        Job(die).result()


def test_with_other_threads_running_the_job_runs_inline() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        job = Job(pid_and, 1)
        assert not job.forked
        assert job.result() == (os.getpid(), 1)
        with pytest.raises(ValueError, match="inline"):
            Job(fail, "inline").result()
    finally:
        stop.set()
        thread.join()


@linux_only
def test_leaving_the_block_stops_a_child_whose_result_was_not_asked_for() -> None:
    import time

    started = time.perf_counter()
    with Job(time.sleep, 60) as job:
        assert job.forked
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildFailed, match="stopped"):
        job.result()


@pytest.mark.slow
def test_the_site_is_the_same_whether_its_jobs_fork_or_not(tmp_path, site_repo) -> None:  # type: ignore[no-untyped-def]
    """The audit and feed jobs give the same site run in children or inline."""
    from support.site import build as build_into
    from test_site_search_stream import decoded

    if not can_fork():
        pytest.skip("another thread is running here: jobs cannot fork")
    repo = site_repo  # a copy of support.site.make_repo

    def build(name: str) -> dict[str, bytes]:
        out = tmp_path / name
        built = build_into(repo, out, work=tmp_path / f"w-{name}")
        result, problems = built.result, built.problems
        assert result is not None and not [p for p in problems if p.severity == "error"]
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    assert can_fork()  # so the jobs of this first build run in children
    forked = build("forked")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()  # another thread runs: the jobs of this build run inline
        inline = build("inline")
    finally:
        stop.set()
        thread.join()
    # the search index: fed page by page when forked, Pagefind's command line inline: the same
    # index, its file names hashing the order the pages came in
    assert decoded(tmp_path / "forked" / "pagefind") == decoded(tmp_path / "inline" / "pagefind")
    forked, inline = (
        {k: v for k, v in d.items() if not k.startswith("pagefind/")} for d in (forked, inline)
    )
    assert forked.keys() == inline.keys()
    assert [name for name in forked if forked[name] != inline[name]] == []
    assert any(name.startswith("api/calendars/") for name in forked)
    assert "交办 ES-2026-0102" in forked["tasks/ES-2026-0102/index.html"].decode()  # its trail


def wait_for_it(label: str, receive: object) -> tuple[int, str, object]:
    assert callable(receive)
    return os.getpid(), label, receive()


@linux_only
def test_a_job_with_an_inbox_starts_first_and_is_given_the_rest_later() -> None:
    job = Job(wait_for_it, "早", inbox=True)
    job.send({"已发布": ["SL-2026-0001"]})
    pid, label, got = job.result()
    assert pid != os.getpid() and label == "早" and got == {"已发布": ["SL-2026-0001"]}


@linux_only
def test_an_inbox_never_given_anything_reads_none() -> None:
    with Job(wait_for_it, "无", inbox=True) as job:
        job.close_inbox()
        assert job.result()[2] is None


def test_inline_a_job_with_an_inbox_runs_when_it_is_given_the_rest() -> None:
    started = threading.Event()
    thread = threading.Thread(target=started.wait)  # another thread: jobs run inline
    thread.start()
    try:
        job = Job(wait_for_it, "内", inbox=True)
        job.send(42)
        assert job.result() == (os.getpid(), "内", 42)
        unsent = Job(wait_for_it, "空", inbox=True)
        assert unsent.result() == (os.getpid(), "空", None)
    finally:
        started.set()
        thread.join()
