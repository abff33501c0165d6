"""Pacing for the client: a call-rate cap and exponential backoff with full jitter.

Both take their clock, sleep and random source from outside, so tests run them instantly and
deterministically instead of waiting on the wall clock.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

__all__ = ["Backoff", "RateLimiter"]


class RateLimiter:
    """Space requests at least `1 / per_second` apart (PRD: under 100 operations a second).

    A minimum interval rather than a bucket with a burst: the cap then holds over every
    window, however short, which is what a database-load limit asks for.
    """

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], object],
    ) -> None:
        if not per_second > 0 or not math.isfinite(per_second):
            raise ConfigurationError(
                f"max_calls_per_second must be a positive number, not {per_second}"
            )
        self._interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next_slot = -math.inf
        # Held while sleeping on purpose: threads sharing a client then queue for slots.
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until the next request may go out, then reserve the slot after it."""
        with self._lock:
            now = self._clock()
            if now < self._next_slot:
                self._sleep(self._next_slot - now)
                now = self._next_slot
            self._next_slot = now + self._interval


class Backoff:
    """Exponential backoff with full jitter: retry n sleeps uniform(0, min(cap, base * 2**n)).

    Full jitter spreads retries of many clients that failed together (one OCC conflict, one
    proxy hiccup) instead of letting them collide again on the same schedule.
    """

    def __init__(self, base: float, cap: float, rng: random.Random) -> None:
        if not (base > 0 and cap >= base and math.isfinite(cap)):
            raise ConfigurationError(
                f"backoff needs 0 < backoff_base <= backoff_max, not {base} and {cap}"
            )
        self._base = base
        self._cap = cap
        self._rng = rng

    def delay(self, retry: int) -> float:
        """Seconds to sleep before retry number `retry` (0 for the first retry)."""
        # The exponent is bounded so that a large max_retries cannot overflow a float.
        ceiling = min(self._cap, self._base * 2.0 ** min(retry, 64))
        return self._rng.uniform(0.0, ceiling)
