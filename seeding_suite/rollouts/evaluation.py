"""What `evaluateIntegration` answers: the twin, convex/integrations/rollout.ts and
`seeding-suite rollout evaluate` all compute it here (the TypeScript side by the same rules,
held to it by the shared vectors).

Reasons are OpenFeature's: DEFAULT (no rollout in this environment: the integration is on
when the target holds it), STATIC (100% without variants), SPLIT (the subject's buckets
decided), DISABLED (the rollout was rolled back: off for everyone). An empty subject is
never in, as in Unleash (a missing stickiness value is not enabled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from seeding_suite.rollouts.bucketing import bucket, variant_of

if TYPE_CHECKING:
    from seeding_suite.rollouts.documents import Rollout

Reason = Literal["STATIC", "SPLIT", "DISABLED", "DEFAULT"]


@dataclass(frozen=True)
class Evaluation:
    """One subject's answer; `bucket` is its rollout bucket (1..100), None without a rollout."""

    enabled: bool
    variant: str | None
    bucket: int | None
    reason: Reason

    def answer(self) -> dict[str, object]:
        """What the Convex function returns: `{enabled, variant, reason}`."""
        return {"enabled": self.enabled, "variant": self.variant, "reason": self.reason}


def evaluate(rollout: Rollout | None, subject: str, *, integration_held: bool) -> Evaluation:
    """Whether `subject` gets the integration, and which variant."""
    if rollout is None:
        return Evaluation(integration_held, None, None, "DEFAULT")
    where = bucket(rollout.group, subject)
    if rollout.status == "rolled_back":
        return Evaluation(False, None, where, "DISABLED")
    variants = rollout.variants
    percent = rollout.percent
    enabled = subject != "" and where <= percent
    variant = variant_of(rollout.group, subject, variants) if enabled and variants else None
    reason: Reason = "STATIC" if percent == 100 and not variants else "SPLIT"
    return Evaluation(enabled, variant, where, reason)
