"""Checks run ahead in forked processes, so a plain run uses every core without xdist.

pytest runs items one after another in one process, and on a cold run the checks' own work
(parse, validate, seed a fake twice) is most of the time. After collection the files whose
checks must really run are dealt round-robin to forked children; each runs its files' checks
in item order and streams back every file's outcomes as it finishes it. The items then read
their outcome, waiting only when their child has not reached the file yet. Unlike xdist, no
item, report or hook crosses a process boundary: one small message per file.

Fork shares the collected catalog and the cache without copying or pickling them. A child
that dies, or fails on a file, hands that file back: the parent then checks it itself, so an
unexpected error is raised where pytest shows it. Nothing here knows pytest.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.runner import CheckOutcome, CheckRunner, Properties

Job = tuple["Path", tuple[str, ...]]  # a file and the checks its selected items name


@dataclass(frozen=True)
class FileResult:
    """A file's outcomes as a child computed them, with what the parent needs around them.

    `digest` is the SHA-256 of the bytes checked (a pass is cached only for those bytes).
    """

    outcomes: dict[str, CheckOutcome]
    properties: Properties | None
    digest: str | None


@dataclass
class _Child:
    pid: int
    stream: IO[bytes]
    pending: set[Path] = field(default_factory=set)


class Prefetch:
    """Children checking `jobs` ahead of the items; `take` hands each file's result over once."""

    def __init__(self, runner: CheckRunner, jobs: Sequence[Job], processes: int) -> None:
        self.processes = min(processes, len(jobs))
        self.handed = 0  # files whose outcomes a child computed and the parent took
        self._results: dict[Path, FileResult | None] = {}
        self._owner: dict[Path, _Child] = {}
        self._children: list[_Child] = []
        for number in range(self.processes):
            self._start(runner, jobs[number :: self.processes])

    def _start(self, runner: CheckRunner, jobs: Sequence[Job]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: check, report, and leave without running the parent's exits
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as out:
                    _serve(runner, jobs, out)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        child = _Child(pid, os.fdopen(read, "rb"), {path for path, _ in jobs})
        self._children.append(child)
        self._owner.update((path, child) for path, _ in jobs)

    def take(self, path: Path) -> FileResult | None:
        """The file's result, once; None when no child checks it (any longer): check it here."""
        child = self._owner.pop(path, None)
        if child is not None:
            while path in child.pending:
                self._receive(child)
        result = self._results.pop(path, None)
        self.handed += result is not None
        return result

    def _receive(self, child: _Child) -> None:
        try:
            path, result = pickle.load(child.stream)
        except (EOFError, OSError, pickle.UnpicklingError):
            child.pending.clear()  # it died: the parent checks the rest itself
            self._reap(child)
            return
        child.pending.discard(path)
        self._results[path] = result
        if not child.pending:
            self._reap(child)

    def close(self) -> None:
        """Stop every child still running (an interrupted run) and release everything."""
        for child in list(self._children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            self._reap(child)
        self._owner.clear()
        self._results.clear()

    def _reap(self, child: _Child) -> None:
        if child in self._children:
            self._children.remove(child)
            child.stream.close()
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)


def _serve(runner: CheckRunner, jobs: Sequence[Job], out: IO[bytes]) -> None:
    runner.prefetch = None  # a child checks its files itself
    for path, names in jobs:
        result: FileResult | None
        try:
            result = runner.result_of(path, names)
        except Exception:  # the parent checks this file again and shows the error there
            result = None
        pickle.dump((path, result), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
