"""What `tick` does to one rollout (pure: the caller reads the window and the health checks).

An active rollout rolls back when a gate fails (a variant's error rate above the limit with
at least `min_requests`) or the project's health checks report a problem for its integration;
it advances once its hold has passed and its gates pass; otherwise it waits, saying why.
`advance` without `--force` asks the same question and refuses unless the answer is advance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.rollouts.gates import judge

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.rollouts.documents import Rollout
    from seeding_suite.rollouts.gates import Window
    from seeding_suite.rollouts.schedule import Move


@dataclass(frozen=True)
class Decision:
    """`move` None: leave the rollout as it is; `reason` says why either way."""

    move: Move | None
    reason: str


def hold_left(rollout: Rollout, since_ms: float, now_ms: float) -> float:
    """Seconds of the hold still to wait at the current step (0 once it has passed)."""
    return max(0.0, rollout.hold_seconds - (now_ms - since_ms) / 1000.0)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.999), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02}m" if hours else f"{minutes}m{secs:02}s"


def decide(
    rollout: Rollout,
    *,
    since_ms: float,
    now_ms: float,
    window: Window,
    health: Sequence[str] = (),
) -> Decision:
    """The move for `rollout` now (see the module docstring)."""
    if rollout.status != "active":
        return Decision(None, f"{rollout.status.replace('_', ' ')}: nothing to do")
    verdict = judge(rollout.gates, window)
    if verdict.failing is not None:
        return Decision("rollback", f"gate failed at {rollout.percent}%: {verdict.failing}")
    if health:
        return Decision("rollback", f"health check failed: {'; '.join(health)}")
    left = hold_left(rollout, since_ms, now_ms)
    if left > 0:
        return Decision(None, f"hold: {_duration(left)} left at {rollout.percent}%")
    if verdict.waiting is not None:
        return Decision(None, f"gates: {verdict.waiting}")
    last = rollout.step + 1 >= len(rollout.steps)
    passed = f"hold passed and gates pass at {rollout.percent}%"
    if last:
        return Decision("advance", f"{passed}: completed")
    return Decision("advance", f"{passed}: on to {rollout.steps[rollout.step + 1]}%")
