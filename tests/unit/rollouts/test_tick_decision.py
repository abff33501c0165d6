"""The pure half of `tick`: gates, hold, schedule moves (rollouts/decision.py, schedule.py)."""

from __future__ import annotations

from typing import Any

import pytest

from seeding_suite.rollouts.decision import decide
from seeding_suite.rollouts.documents import Rollout
from seeding_suite.rollouts.gates import Figures, Window, judge
from seeding_suite.rollouts.schedule import RolloutRefused, move

HOUR_MS = 3_600_000.0


def rollout(status: str = "active", step: int = 0, gates: Any = (0.02, 200)) -> Rollout:
    return Rollout(
        "stripe",
        {
            "environment": "production",
            "version": "1.0.0",
            "group": "stripe",
            "steps": [5.0, 25.0, 100.0],
            "holdSeconds": 3600.0,
            "gates": None if gates is None else {"maxErrorRate": gates[0], "minRequests": gates[1]},
            "variants": [{"name": "control", "weight": 500.0}, {"name": "new", "weight": 500.0}],
            "state": {"status": status, "step": float(step), "since": 0.0, "reason": None},
            "checksum": "c1:x",
            "runId": "run-1",
        },
    )


def window(*rows: tuple[str | None, int, int]) -> Window:
    return Window(0.0, tuple(Figures(v, r, e) for v, r, e in rows))


def test_a_variant_over_the_limit_with_enough_requests_rolls_back_naming_it() -> None:
    seen = window(("control", 300, 3), ("new", 250, 40))
    decision = decide(rollout(), since_ms=0, now_ms=HOUR_MS * 2, window=seen)
    assert decision.move == "rollback"
    assert "variant new: error rate 16.0% (40 of 250 requests) is above the gate's 2.0%" in (
        decision.reason
    )


def test_a_high_rate_on_too_few_requests_does_not_roll_back_and_blocks_advancing() -> None:
    seen = window(("control", 80, 0), ("new", 50, 25))
    decision = decide(rollout(), since_ms=0, now_ms=HOUR_MS * 2, window=seen)
    assert decision.move is None
    assert decision.reason == "gates: 130 of the 200 requests the gates need so far"


def test_the_hold_comes_before_advancing_and_says_what_is_left() -> None:
    seen = window(("control", 300, 0), ("new", 300, 0))
    early = decide(rollout(), since_ms=0, now_ms=HOUR_MS - 90_000, window=seen)
    assert (early.move, early.reason) == (None, "hold: 1m30s left at 5%")
    later = decide(rollout(), since_ms=0, now_ms=HOUR_MS, window=seen)
    assert later.move == "advance" and later.reason.endswith("on to 25%")
    last = decide(rollout(step=2), since_ms=0, now_ms=HOUR_MS, window=seen)
    assert last.move == "advance" and last.reason.endswith("completed")


def test_gate_failures_roll_back_even_inside_the_hold_and_health_problems_too() -> None:
    bad = window(("control", 300, 100))
    assert decide(rollout(), since_ms=0, now_ms=1, window=bad).move == "rollback"
    healthy = window(("control", 300, 0))
    sick = decide(rollout(), since_ms=0, now_ms=1, window=healthy, health=["[x] down"])
    assert (sick.move, sick.reason) == ("rollback", "health check failed: [x] down")


@pytest.mark.parametrize("status", ["paused", "completed", "rolled_back"])
def test_only_active_rollouts_move(status: str) -> None:
    bad = window(("control", 300, 300))
    assert decide(rollout(status), since_ms=0, now_ms=HOUR_MS * 9, window=bad).move is None


def test_without_gates_every_window_passes() -> None:
    assert judge(None, window(("control", 1, 1))).passes
    assert not judge((0.02, 1), window(("control", 1, 1))).passes


def test_moves_and_their_refusals() -> None:
    advanced = move(rollout(), "advance", 5.0, "why")
    assert (advanced.action, advanced.state["step"], advanced.to_percent) == ("advanced", 1.0, 25)
    done = move(rollout(step=2), "advance", 5.0, "why")
    assert (done.action, done.state["status"], done.to_percent) == ("completed", "completed", 100)
    paused = move(rollout(), "pause", 5.0, "why")
    assert paused.state["status"] == "paused" and paused.state["since"] == 0.0
    resumed = move(rollout("paused"), "resume", 7.0, "why")
    assert resumed.state["status"] == "active" and resumed.state["since"] == 7.0
    back = move(rollout("completed", 2), "rollback", 9.0, "bad")
    assert (back.state["status"], back.to_percent, back.from_percent) == ("rolled_back", 0, 100)
    for status, how in [
        ("paused", "advance"),
        ("paused", "pause"),
        ("active", "resume"),
        ("rolled_back", "rollback"),
        ("completed", "advance"),
    ]:
        with pytest.raises(RolloutRefused, match=f"that is {status.replace('_', ' ')}"):
            move(rollout(status), how, 0.0, "x")  # type: ignore[arg-type]
