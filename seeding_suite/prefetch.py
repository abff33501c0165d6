"""Work done ahead in forked processes, so a plain run uses every core without xdist.

pytest runs items one after another in one process, and on a cold run the checks' own work
(parse, validate, seed a fake twice) is most of the time. The keys (files) are dealt
round-robin to forked children; each works through its keys in order and streams back every
result as it finishes it. The parent takes results in the same order, waiting only when a
child has not reached that key yet. Unlike xdist, no item, report or hook crosses a process
boundary: one small message per file.

Fork shares everything the parent holds (the summarized catalog, the cache) without copying or
pickling it. A child that dies, or fails on a key, hands that key back: `take` answers None
and the parent does the work itself, so an unexpected error is raised where pytest shows it.
Nothing here knows pytest.

Memory decides two things here. Children are forked first and dealt their keys later: a
caller forks them before its heap grows (before pytest builds its items), because a child's
memory grows with every page of the parent's heap it writes to, and a big heap has free slots
on many pages. And the parent drains every child's pipe whenever it takes a result, keeping
the messages still pickled: a child never waits on a full pipe, so it finishes and exits (and
its memory is returned) while the parent is still working through the items. A caller can
also make the parent trail the children (`deal(trail=)`), so that they are gone before the
parent's own memory peaks.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterator, Sequence

K = TypeVar("K", bound="Hashable")
R = TypeVar("R")

_LENGTH = 4  # bytes of the big-endian length before each pickled result
_CHUNK = 1 << 20  # the most one read takes from a pipe
_HOLD = 32 << 20  # a child's results the parent keeps before it reads only what it needs


@dataclass
class _Child(Generic[K]):
    pid: int
    results: int  # read end of its results pipe
    orders: int | None  # write end of its orders pipe, until its keys are sent
    waiting: deque[K] = field(default_factory=deque)  # keys it has not answered, in its order
    buffer: bytearray = field(default_factory=bytearray)
    held: int = 0  # bytes read from it and not taken yet


class Prefetch(Generic[K, R]):
    """`work(key)` for every dealt key, computed ahead in forked children; `take` hands each over.

    Forks `processes` idle children when constructed: everything `work` needs must be in place
    before. `deal` gives them their keys, once.
    """

    def __init__(self, work: Callable[[K], R], processes: int) -> None:
        self.processes = processes  # children that work (set by `deal`)
        self.handed = 0  # results a child computed and the parent took
        self._dealt = False
        self._trail = 0
        self._untaken: dict[K, None] = {}
        self._arrived: dict[K, bytes] = {}  # pickled results, unpickled when taken
        self._owner: dict[K, _Child[K]] = {}
        self._children: dict[int, _Child[K]] = {}  # by results fd
        for _ in range(processes):
            try:
                self._start(work)
            except OSError:  # out of processes or descriptors: fewer children, same results
                break

    def _start(self, work: Callable[[K], R]) -> None:
        orders_read, orders_write = os.pipe()
        results_read, results_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (orders_read, orders_write, results_read, results_write):
                os.close(fd)
            raise
        if pid == 0:  # the child: wait for keys, work, report, leave without the parent's exits
            code = 1
            try:
                for fd in (orders_write, results_read, *self._fds()):
                    os.close(fd)  # a sibling holding these would hide the parent's closing
                keys: list[K] = pickle.loads(_read_all(orders_read))
                _serve(work, keys, results_write)
                code = 0
            finally:
                os._exit(code)
        os.close(orders_read)
        os.close(results_write)
        os.set_blocking(results_read, False)
        self._children[results_read] = _Child(pid, results_read, orders_write)

    def _fds(self) -> Iterator[int]:
        for child in self._children.values():
            yield child.results
            if child.orders is not None:
                yield child.orders

    def deal(self, keys: Sequence[K], trail: int = 0) -> None:
        """Give the children their keys, round-robin; a child dealt none exits.

        With `trail`, `take` waits while children run until that many results are waiting
        to be taken (or all that are left): the parent falls behind, its own last stretch
        comes after the children have exited, and their memory is not held at its peak.
        """
        if self._dealt:
            raise RuntimeError("a Prefetch deals its keys once")
        self._dealt = True
        self._trail = trail
        self._untaken = dict.fromkeys(keys)
        children = list(self._children.values())
        self.processes = min(len(children), len(keys))
        for number, child in enumerate(children):
            share = list(keys[number :: len(children)])
            child.waiting.extend(share)
            self._owner.update((key, child) for key in share)
            self._send(child, share)
            if not share:
                self._reap(child)

    def _send(self, child: _Child[K], share: list[K]) -> None:
        if child.orders is None:
            return
        with contextlib.suppress(OSError):  # it died: its keys come back as None
            _write_all(child.orders, pickle.dumps(share, protocol=pickle.HIGHEST_PROTOCOL))
        os.close(child.orders)
        child.orders = None

    def take(self, key: K) -> R | None:
        """The key's result, once; None when no child does it (any longer): do it here."""
        self._untaken.pop(key, None)
        child = self._owner.pop(key, None)
        self._drain()
        self._fall_behind()
        while child is not None and key not in self._arrived and child.results in self._children:
            select.select([child.results], [], [])  # it has not reached this key yet
            self._read(child)
        frame = self._arrived.pop(key, None)
        if child is None or frame is None:
            return None
        child.held -= _LENGTH + len(frame)
        result = cast("R | None", pickle.loads(frame))
        self.handed += result is not None
        return result

    def take_all(self) -> Iterator[tuple[K, R | None]]:
        """Every dealt key not taken yet, in order, with its result (None: do it here)."""
        for key in list(self._untaken):
            yield key, self.take(key)

    def _drain(self) -> None:
        """Read whatever the children have written so far, without waiting.

        A child whose results the parent holds beyond _HOLD is left to wait on its pipe: the
        parent's memory stays bounded when children run far ahead (large results).
        """
        wanted = [fd for fd, child in self._children.items() if child.held < _HOLD]
        if wanted:
            for fd in select.select(wanted, [], [], 0)[0]:
                self._read(self._children[fd])

    def _fall_behind(self) -> None:
        # The key being taken left _untaken already: +1 counts its result.
        while len(self._arrived) < min(self._trail, len(self._untaken) + 1):
            wanted = [fd for fd, child in self._children.items() if child.held < _HOLD]
            if not wanted:
                return
            for fd in select.select(wanted, [], [])[0]:
                self._read(self._children[fd])

    def _read(self, child: _Child[K]) -> None:
        try:
            data = os.read(child.results, _CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # it finished or died: whatever it did not send, the parent does
            self._reap(child)
            return
        child.held += len(data)
        child.buffer += data
        buffer = child.buffer
        while len(buffer) >= _LENGTH:
            end = _LENGTH + int.from_bytes(buffer[:_LENGTH], "big")
            if len(buffer) < end:
                break
            self._arrived[child.waiting.popleft()] = bytes(buffer[_LENGTH:end])
            del buffer[:end]
        if not child.waiting:  # its last result: it is exiting
            self._reap(child)

    def close(self) -> None:
        """Stop every child still running (an interrupted run) and release everything."""
        for child in list(self._children.values()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            self._reap(child)
        self._untaken.clear()
        self._owner.clear()
        self._arrived.clear()

    def _reap(self, child: _Child[K]) -> None:
        if self._children.pop(child.results, None) is not None:
            os.close(child.results)
            if child.orders is not None:
                os.close(child.orders)
                child.orders = None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child.pid, 0)


def _serve(work: Callable[[K], R], keys: Sequence[K], out: int) -> None:
    for key in keys:
        result: R | None
        try:
            result = work(key)
        except Exception:  # the parent does this key again and shows the error there
            result = None
        frame = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        _write_all(out, len(frame).to_bytes(_LENGTH, "big") + frame)


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, _CHUNK):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
