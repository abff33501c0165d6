"""The garbage collector during a run: the collected items move out of its way.

After collection a process holds every item, catalog entry and cached result until it ends,
while the checks create short-lived containers by the thousand (a fake Convex's documents
per idempotency check). Each full collection would walk all the long-lived objects again.
Freezing them (`gc.freeze`) and collecting the young generation less often took a cold
validate-only run of 1,000 manifests from 15.2 s to 13.0 s at the same peak RSS (bench/run.py).
Cyclic garbage is still collected; the settings are restored when the Config ends, so
in-process runs (pytester) leave the interpreter as they found it. Children forked to check
ahead are forked from a frozen heap too, with the same thresholds: their collections then
leave the parent's pages alone, as Python's documentation of `gc.freeze` advises.

The settings are restored last of all (the first cleanup the Config registered): pytest's own
end-of-run collections (unraisableexception, two full passes) then skip the frozen run instead
of walking every item again, 0.13 s each after 1,000 manifests.

At exit, everything still alive is frozen as well (an `atexit` handler, once per process): the
interpreter's last collections then skip the run's objects instead of walking them all while
it tears down. That took 1.1 s off a warm 1,000-manifest seeding run (5.7 s -> 4.8 s).
"""

from __future__ import annotations

import atexit
import gc
from dataclasses import dataclass, field

YOUNG_THRESHOLD = 10_000  # allocations between young collections (CPython's default: 700)


@dataclass
class CollectorSettings:
    """The interpreter's settings before the run, to restore."""

    thresholds: tuple[int, int, int] = field(default_factory=gc.get_threshold)
    frozen: bool = False

    def freeze(self) -> None:
        """Freeze what is alive now (again after collection, and before forking children)."""
        atexit.unregister(gc.freeze)  # one registration per process, however many runs
        atexit.register(gc.freeze)
        gc.freeze()
        self.frozen = True
        gc.set_threshold(max(YOUNG_THRESHOLD, self.thresholds[0]), *self.thresholds[1:])

    def restore(self) -> None:
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
        gc.set_threshold(*self.thresholds)
