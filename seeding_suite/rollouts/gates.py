"""The gate figures of a window (requests and errors per variant since the step began) and
what they say: roll back (a variant's error rate above the limit, with enough requests),
wait (not enough requests yet), or pass. Pure; rollouts/store.py reads the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Figures:
    """One variant's outcomes in the window (variant None: the rollout has no variants)."""

    variant: str | None
    requests: int
    errors: int

    @property
    def rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    @property
    def label(self) -> str:
        return "all requests" if self.variant is None else f"variant {self.variant}"

    def to_json(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "requests": self.requests,
            "errors": self.errors,
            "errorRate": round(self.rate, 6),
        }


@dataclass(frozen=True)
class Window:
    """The counters from `since_ms` (the start of the interval holding the step's start) on."""

    since_ms: float
    figures: tuple[Figures, ...] = ()
    truncated: bool = False

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> Window:
        """From `rolloutWindow`'s result (remote.py)."""
        figures = tuple(
            Figures(row["variant"], int(row["requests"]), int(row["errors"]))
            for row in answer["variants"]
        )
        return cls(float(answer["since"]), figures, bool(answer["truncated"]))

    @property
    def requests(self) -> int:
        return sum(f.requests for f in self.figures)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since_ms,
            "requests": self.requests,
            "variants": [f.to_json() for f in self.figures],
            "truncated": self.truncated,
        }


@dataclass(frozen=True)
class Verdict:
    """`failing`: why the rollout must roll back; `waiting`: why it may not advance yet."""

    failing: str | None = None
    waiting: str | None = None

    @property
    def passes(self) -> bool:
        return self.failing is None and self.waiting is None


def judge(gates: tuple[float, int] | None, window: Window) -> Verdict:
    """The gates against the window; a rollout without gates always passes."""
    if gates is None:
        return Verdict()
    max_rate, min_requests = gates
    for figures in window.figures:
        if figures.requests >= min_requests and figures.rate > max_rate:
            return Verdict(
                failing=(
                    f"{figures.label}: error rate {figures.rate:.1%} ({figures.errors} of "
                    f"{figures.requests} requests) is above the gate's {max_rate:.1%}"
                )
            )
    if window.requests < min_requests:
        return Verdict(
            waiting=f"{window.requests} of the {min_requests} requests the gates need so far"
        )
    return Verdict()
