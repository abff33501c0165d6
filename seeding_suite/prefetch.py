"""Work done ahead in forked processes, so a plain run uses every core without xdist.

pytest runs items one after another in one process, and on a cold run the checks' own work
(parse, validate, seed a fake twice) is most of the time. The keys (files) are dealt
round-robin to forked children; each works through its keys in order and streams back every
result as it finishes it. The parent takes results in the same order, waiting only when a
child has not reached that key yet. Unlike xdist, no item, report or hook crosses a process
boundary: one small message per file.

Fork shares everything the parent holds (the collected catalog, the cache) without copying or
pickling it. A child that dies, or fails on a key, hands that key back: `take` answers None
and the parent does the work itself, so an unexpected error is raised where pytest shows it.
Nothing here knows pytest.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterator, Sequence

K = TypeVar("K", bound="Hashable")
R = TypeVar("R")


@dataclass
class _Child(Generic[K]):
    pid: int
    stream: IO[bytes]
    pending: set[K] = field(default_factory=set)


class Prefetch(Generic[K, R]):
    """`work(key)` for every key, computed ahead in forked children; `take` hands each over once.

    Forks when constructed: everything `work` needs must be in place before.
    """

    def __init__(self, work: Callable[[K], R], keys: Sequence[K], processes: int) -> None:
        self.processes = min(processes, len(keys))
        self.handed = 0  # results a child computed and the parent took
        self._untaken = dict.fromkeys(keys)
        self._results: dict[K, R | None] = {}
        self._owner: dict[K, _Child[K]] = {}
        self._children: list[_Child[K]] = []
        for number in range(self.processes):
            self._start(work, keys[number :: self.processes])

    def _start(self, work: Callable[[K], R], keys: Sequence[K]) -> None:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: work, report, and leave without running the parent's exits
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as out:
                    _serve(work, keys, out)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        child = _Child(pid, os.fdopen(read, "rb"), set(keys))
        self._children.append(child)
        self._owner.update((key, child) for key in keys)

    def take(self, key: K) -> R | None:
        """The key's result, once; None when no child does it (any longer): do it here."""
        self._untaken.pop(key, None)
        child = self._owner.pop(key, None)
        if child is not None:
            while key in child.pending:
                self._receive(child)
        result = self._results.pop(key, None)
        self.handed += result is not None
        return result

    def take_all(self) -> Iterator[tuple[K, R | None]]:
        """Every key not taken yet, in order, with its result (None: do it here)."""
        for key in list(self._untaken):
            yield key, self.take(key)

    def _receive(self, child: _Child[K]) -> None:
        try:
            key, result = pickle.load(child.stream)
        except (EOFError, OSError, pickle.UnpicklingError):
            child.pending.clear()  # it died: the parent does the rest itself
            self._reap(child)
            return
        child.pending.discard(key)
        self._results[key] = result
        if not child.pending:
            self._reap(child)

    def close(self) -> None:
        """Stop every child still running (an interrupted run) and release everything."""
        for child in list(self._children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            self._reap(child)
        self._untaken.clear()
        self._owner.clear()
        self._results.clear()

    def _reap(self, child: _Child[K]) -> None:
        if child in self._children:
            self._children.remove(child)
            child.stream.close()
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)


def _serve(work: Callable[[K], R], keys: Sequence[K], out: IO[bytes]) -> None:
    for key in keys:
        result: R | None
        try:
            result = work(key)
        except Exception:  # the parent does this key again and shows the error there
            result = None
        pickle.dump((key, result), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
