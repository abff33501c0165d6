"""Prefetch: keys, results and children's lives.

The tests that fork run in a fresh interpreter: this process has xdist's threads, and a forked
child only inherits the calling thread.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from seeding_suite.prefetch import Prefetch
from seeding_suite.runner import TRAIL_FROM, TRAIL_SHARE, trail_for


def test_without_processes_every_key_is_the_parents_in_order() -> None:
    done: list[str] = []
    ahead = Prefetch(done.append, 0)
    ahead.deal(["a", "b", "c"])
    assert ahead.processes == 0
    assert ahead.take("b") is None
    assert list(ahead.take_all()) == [("a", None), ("c", None)]  # b was taken already
    assert ahead.take("zzz") is None
    assert done == []  # no child ran the work
    assert ahead.handed == 0


def test_keys_are_dealt_once() -> None:
    ahead: Prefetch[str, None] = Prefetch(lambda key: None, 0)
    ahead.deal(["a"])
    with pytest.raises(RuntimeError, match="once"):
        ahead.deal(["b"])


def _forking(body: str) -> list[str]:
    """Run `body` in a fresh interpreter (Prefetch imported); its printed lines."""
    script = "import os, time\nfrom seeding_suite.prefetch import Prefetch\n" + textwrap.dedent(
        body
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_children_forked_before_the_deal_work_on_what_they_are_dealt() -> None:
    lines = _forking(
        """
        ahead = Prefetch(lambda key: (key, os.getpid()), 3)
        ahead.deal(["a", "b"])  # three children, two keys: the third exits with none
        results = dict(ahead.take_all())
        print(ahead.processes, ahead.handed, sorted(results))
        print(len({pid for _, pid in results.values()}), os.getpid() in results.values())
        time.sleep(0.2)
        try:
            os.waitpid(-1, os.WNOHANG)
            print("a child is left")
        except ChildProcessError:
            print("every child reaped")
        """
    )
    assert lines == ["2 2 ['a', 'b']", "2 False", "every child reaped"]


def test_a_child_finishes_without_waiting_for_the_parent_to_take_its_results(tmp_path) -> None:
    # 100 results of 20 KB: far more than a pipe holds. The parent takes one result and then
    # only drains (taking a key again answers None): the child still gets to its last key.
    lines = _forking(
        f"""
        from pathlib import Path
        marker = Path({str(tmp_path / "last")!r})

        def work(key):
            if key == 99:
                marker.write_text("reached")
            return bytes([key]) * 20_000

        ahead = Prefetch(work, 1)
        ahead.deal(list(range(100)))
        assert ahead.take(0) == bytes([0]) * 20_000
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            assert ahead.take(0) is None
            time.sleep(0.01)
        print("last key reached while 99 results were untaken:", marker.exists())
        rest = list(ahead.take_all())
        print(len(rest), all(value == bytes([key]) * 20_000 for key, value in rest))
        """
    )
    assert lines == ["last key reached while 99 results were untaken: True", "99 True"]


def test_children_closed_before_the_deal_leave_nothing_behind() -> None:
    lines = _forking(
        """
        ahead = Prefetch(lambda key: key, 2)
        ahead.close()
        try:
            os.waitpid(-1, os.WNOHANG)
            print("a child is left")
        except ChildProcessError:
            print("every child reaped")
        """
    )
    assert lines == ["every child reaped"]


def test_a_trailing_parent_takes_a_result_once_that_many_are_waiting(tmp_path) -> None:
    lines = _forking(
        f"""
        from pathlib import Path
        log = Path({str(tmp_path / "done")!r})

        def work(key):
            with log.open("a") as out:
                out.write(f"{{key}}\\n")
            return key

        ahead = Prefetch(work, 2)
        ahead.deal(list(range(100)), trail=40)
        assert ahead.take(0) == 0
        done = len(log.read_text().split())
        print("done before the first take returned: at least 40:", done >= 40)
        print([key for key, value in ahead.take_all() if key != value])
        """
    )
    assert lines == ["done before the first take returned: at least 40: True", "[]"]


def test_the_pytest_process_trails_only_large_runs() -> None:
    assert trail_for(TRAIL_FROM - 1) == 0
    assert trail_for(TRAIL_FROM) == int(TRAIL_FROM * TRAIL_SHARE)
    assert trail_for(10_000) == 4_000


def test_when_fork_fails_the_children_already_forked_do_the_work() -> None:
    lines = _forking(
        """
        forked = []
        real_fork = os.fork

        def fork():
            if len(forked) == 1:
                raise BlockingIOError("Resource temporarily unavailable")
            pid = real_fork()
            if pid:
                forked.append(pid)
            return pid

        os.fork = fork
        ahead = Prefetch(lambda key: key * 2, 3)
        ahead.deal([1, 2, 3])
        print(ahead.processes, list(ahead.take_all()), ahead.handed)
        """
    )
    assert lines == ["1 [(1, 2), (2, 4), (3, 6)] 3"]
