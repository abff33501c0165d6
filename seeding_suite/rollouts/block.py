"""The manifest's optional `rollout:` block (format version 1 stays valid without it).

Strict like the rest of the model: a percent schedule that does not rise, weights that do not
sum to 1000 or a hold that is not a duration fail the schema check with the field named.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

ENVIRONMENT_PATTERN: Final = r"^[a-z][a-z0-9_-]{0,62}$"
STICKINESS_PATTERN: Final = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
GROUP_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
VARIANT_PATTERN: Final = r"^[a-z][a-z0-9._-]{0,62}$"
DURATION_PATTERN: Final = r"^(?:[1-9][0-9]{0,6}[smhd])+$"
VARIANT_WEIGHTS: Final = 1000
"""Variant weights are thousandths, as Unleash's (its variant hash is taken modulo 1000)."""
MAX_HOLD_SECONDS: Final = 90 * 86_400
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_PART: Final = re.compile(r"([0-9]+)([smhd])")


def duration_seconds(text: str) -> int:
    """Seconds of a duration like `1h`, `90m` or `1h30m` (units s, m, h, d)."""
    if re.fullmatch(DURATION_PATTERN, text) is None:
        raise ValueError(f"{text!r} is not a duration like 30m, 1h or 1h30m (units s, m, h, d)")
    return sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text))


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Gates(_Block):
    """What a step must show before it advances, and what rolls the rollout back."""

    max_error_rate: float = Field(
        ge=0, le=1, description="Highest error rate (errors / requests) a variant may have"
    )
    min_requests: int = Field(
        ge=1, le=1_000_000_000, description="Requests a step needs before its rate is judged"
    )


class Variant(_Block):
    """One arm of an A/B split; weights are thousandths and sum to 1000."""

    name: str = Field(pattern=VARIANT_PATTERN)
    weight: int = Field(ge=1, le=VARIANT_WEIGHTS)


class RolloutBlock(_Block):
    """A percent schedule for the integration, optionally split into variants."""

    stickiness: str = Field(
        default="subject",
        pattern=STICKINESS_PATTERN,
        description="The subject attribute the platform passes (e.g. workspaceId)",
    )
    group: str | None = Field(
        default=None,
        pattern=GROUP_PATTERN,
        description="Hash group; default: the integration id (shared groups correlate rollouts)",
    )
    steps: list[Annotated[int, Field(ge=1, le=100)]] = Field(
        min_length=1, max_length=100, description="Percent schedule, strictly increasing, 1..100"
    )
    hold: str = Field(
        default="1h",
        pattern=DURATION_PATTERN,
        description="Minimum time at a step before advancing, e.g. 30m, 1h, 1h30m",
    )
    gates: Gates | None = None
    variants: list[Variant] | None = Field(
        default=None, min_length=1, description="A/B split; weights sum to 1000"
    )
    environments: list[Annotated[str, Field(pattern=ENVIRONMENT_PATTERN)]] | None = Field(
        default=None,
        min_length=1,
        description="Where the rollout applies (a subset of the manifest's); omit for all",
    )

    @field_validator("steps")
    @classmethod
    def _rising(cls, steps: list[int]) -> list[int]:
        for before, after in itertools.pairwise(steps):
            if after <= before:
                message = f"steps must increase strictly, but {after} follows {before}"
                raise PydanticCustomError("rollout_steps", message)
        return steps

    @field_validator("hold")
    @classmethod
    def _bounded_hold(cls, hold: str) -> str:
        if duration_seconds(hold) > MAX_HOLD_SECONDS:
            message = f"hold {hold!r} is longer than 90 days"
            raise PydanticCustomError("rollout_hold", message)
        return hold

    @field_validator("variants")
    @classmethod
    def _weights(cls, variants: list[Variant] | None) -> list[Variant] | None:
        if variants is None:
            return None
        names = [v.name for v in variants]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise PydanticCustomError("rollout_variants", f"variant {twice[0]!r} is listed twice")
        total = sum(v.weight for v in variants)
        if total != VARIANT_WEIGHTS:
            message = f"variant weights must sum to {VARIANT_WEIGHTS}, they sum to {total}"
            raise PydanticCustomError("rollout_variants", message)
        return variants

    @field_validator("environments")
    @classmethod
    def _unique(cls, environments: list[str] | None) -> list[str] | None:
        for name in environments or ():
            if environments is not None and environments.count(name) > 1:
                message = f"environment {name!r} is listed twice"
                raise PydanticCustomError("unique", message)
        return environments

    @property
    def hold_seconds(self) -> int:
        return duration_seconds(self.hold)

    def applies_to(self, environment: str) -> bool:
        return self.environments is None or environment in self.environments
