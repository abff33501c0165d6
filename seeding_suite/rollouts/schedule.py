"""A rollout's schedule and status: which moves are allowed from where, and the state each
leaves (pure; the commands write it as a run, rollouts/store.py).

active -> (advance) the next step, or completed after the last one
active -> paused -> (resume) active, the hold counted again from the resume
active | paused | completed -> rolled_back (off for everyone; the reason is kept)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from seeding_suite.errors import SeedingSuiteError

if TYPE_CHECKING:
    from seeding_suite.rollouts.documents import Rollout

Move = Literal["advance", "pause", "resume", "rollback"]
Action = Literal["advanced", "completed", "paused", "resumed", "rolled_back"]


class RolloutRefused(SeedingSuiteError):
    """The move is not allowed now (a gate, the hold, or the rollout's status); exit 1."""


@dataclass(frozen=True)
class Change:
    """One rollout's move: the state it leaves and what the audit log says about it."""

    rollout: Rollout
    action: Action
    state: dict[str, object]
    reason: str
    forced: bool = False

    @property
    def from_percent(self) -> int:
        return self.rollout.percent

    @property
    def to_percent(self) -> int:
        if self.state["status"] == "rolled_back":
            return 0
        step = self.state["step"]
        assert isinstance(step, int | float)
        return self.rollout.steps[int(step)]


def _needs(rollout: Rollout, move: str, *allowed: str) -> None:
    if rollout.status not in allowed:
        raise RolloutRefused(
            f"{rollout.id}: cannot {move} a rollout that is {rollout.status.replace('_', ' ')}"
        )


def move(
    rollout: Rollout, how: Move, now_ms: float, reason: str, *, forced: bool = False
) -> Change:
    """The change `how` makes to `rollout` at `now_ms`, or RolloutRefused."""
    state = rollout.state
    if how == "advance":
        _needs(rollout, "advance", "active")
        if rollout.step + 1 >= len(rollout.steps):
            done = {**state, "status": "completed", "since": now_ms, "reason": reason}
            return Change(rollout, "completed", done, reason, forced)
        ahead = {**state, "step": float(rollout.step + 1), "since": now_ms, "reason": reason}
        return Change(rollout, "advanced", ahead, reason, forced)
    if how == "pause":
        _needs(rollout, "pause", "active")
        return Change(rollout, "paused", {**state, "status": "paused", "reason": reason}, reason)
    if how == "resume":
        _needs(rollout, "resume", "paused")
        resumed = {**state, "status": "active", "since": now_ms, "reason": reason}
        return Change(rollout, "resumed", resumed, reason)
    _needs(rollout, "roll back", "active", "paused", "completed")
    back = {**state, "status": "rolled_back", "since": now_ms, "reason": reason}
    return Change(rollout, "rolled_back", back, reason, forced)
