"""The rollout commands' time (ms since the epoch): one function, so a simulation can move it
instead of sleeping through an hour's hold."""

from __future__ import annotations

import time


def now_ms() -> float:
    return time.time() * 1000.0
