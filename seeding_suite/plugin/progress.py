"""The seed stage's live progress line: one rewritten line on a terminal, periodic lines in a log.

At 1,000 manifests the stage selected, read the target and loaded manifests for seconds
without a word, then printed a line per batch. Every step now reports `(step, done, total)` (a step
without counts has total 0):
on a terminal one line is rewritten in place (pytest's own writer, as its "collecting ..."
line) with the counts and an estimate of the time left; when the output is a file (CI logs),
a line is printed at the first and last count of each step and at most every `every` seconds
between. A batch line whose news is not "written" (a result unknown, read back) and a notice
(whom the run waits for) are always printed in full.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest

WRITTEN = "written"
REDRAW = 0.1  # seconds between two rewrites of the line: 10,000 manifests are 10,000 steps


class ProgressLine:
    """The stage's progress on the terminal reporter; see the module docstring."""

    def __init__(
        self,
        reporter: pytest.TerminalReporter,
        *,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reporter = reporter
        self.live = bool(reporter.isatty)  # a CallableBool in pytest 9, a bool before
        self.every = every
        self.clock = clock
        self._step = ""
        self._started = 0.0
        self._last: float | None = None
        self._printed = float("-inf")
        self._open = False  # a rewritten line is on the screen, without its newline

    def step(self, step: str, done: int, total: int, what: str = "") -> None:
        """`done` of `total` of a step of the stage: `seed: loading manifests 3/10`."""
        now = self.clock()
        first = step != self._step
        if first:  # it began when the step before it was last heard of
            self._step, self._started = step, now if self._last is None else self._last
        self._last = now
        text = f"seed: {step}" if total <= 0 else f"seed: {step} {done}/{total}"
        text += f" {what}" if what else ""
        spent = now - self._started
        left = spent / done * (total - done) if 0 < done < total else 0.0
        if spent >= 1 and left >= 1:  # a first slow count (an index built) is no rate yet
            text += f", about {left:.0f} s left"
        ends = first or done == total
        if self.live and (ends or now - self._printed >= REDRAW):
            self.reporter.rewrite(text, erase=True)
            self._open = True
            self._printed = now
        elif not self.live and (ends or now - self._printed >= self.every):
            self.reporter.write_line(text)
            self._printed = now

    def batch(self, done: int, total: int, said: str) -> None:
        """The engine's progress callback: a batch's news (written only once it was received)."""
        if said == WRITTEN:
            self.step("batch", done, total, WRITTEN)
        else:
            self.notice(f"seed: batch {done}/{total} {said}")

    def notice(self, line: str) -> None:
        """A line that must stay on the screen (it ends a rewritten line first)."""
        self.close()
        self.reporter.write_line(line)

    def close(self) -> None:
        """The stage is over: the last rewritten line stays, with its newline."""
        if self._open:
            self.reporter.write("\n")
            self._open = False
