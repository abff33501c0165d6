"""Bucketing equals Unleash's own SDKs (issue 16, "Done when"): the Python SDK's hash
(UnleashClient.utils.normalized_hash) and its evaluation engine (yggdrasil, which every
UnleashClient evaluation goes through) over 100,000 subjects; vitest does the same against
the npm SDK (convex/rollout.sdk.test.ts). Then the split and the monotonic ramp."""

from __future__ import annotations

import json
import random
import uuid
from collections import Counter
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from UnleashClient.utils import normalized_hash
from yggdrasil_engine.engine import UnleashEngine

from seeding_suite.rollouts.bucketing import bucket, variant_bucket, variant_of
from seeding_suite.rollouts.documents import Rollout
from seeding_suite.rollouts.evaluation import evaluate

SUBJECTS = 100_000
UNLEASH_VARIANT_SEED = 86_028_157  # the SDKs' variant seed (issue 16), not ours read back


def subjects(count: int = SUBJECTS, seed: int = 16) -> list[str]:
    """Shapes a platform passes: UUIDs, Convex-like ids, slugs with digits, emails."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    made = []
    for n in range(count):
        kind = n % 4
        if kind == 0:
            made.append(str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        elif kind == 1:
            made.append("".join(rng.choice(alphabet) for _ in range(32)))
        elif kind == 2:
            made.append(f"workspace-{rng.randrange(10**9)}")
        else:
            made.append(f"user{rng.randrange(10**6)}@example-{rng.randrange(100)}.com")
    return made


def flexible_rollout(name: str, group: str, percent: int, variants: list[tuple[str, int]]) -> Any:
    """A toggle as Unleash's server sends it: one flexibleRollout strategy with variants."""
    return {
        "name": name,
        "enabled": True,
        "strategies": [
            {
                "name": "flexibleRollout",
                "parameters": {
                    "rollout": str(percent),
                    "stickiness": "workspaceId",
                    "groupId": group,
                },
                "variants": [
                    {"name": n, "weight": w, "stickiness": "workspaceId", "weightType": "variable"}
                    for n, w in variants
                ],
            }
        ],
    }


def test_buckets_equal_the_python_sdks_normalized_hash() -> None:
    differing = [
        s
        for s in subjects()
        if bucket("stripe", s) != normalized_hash(s, "stripe")
        or variant_bucket("stripe", s, 1000)
        != normalized_hash(s, "stripe", normalizer=1000, seed=UNLEASH_VARIANT_SEED)
    ]
    assert differing == []


def test_enabled_and_variant_equal_unleashs_engine_for_100000_subjects() -> None:
    split = [("control", 300), ("new-flow", 450), ("beta", 250)]
    engine = UnleashEngine()
    state = {
        "version": 2,
        "features": [
            flexible_rollout("ramp", "stripe", 37, split),
            flexible_rollout("all", "checkout", 100, split),
        ],
    }
    assert not engine.take_state(json.dumps(state))
    mismatches = []
    entered = 0
    for subject in subjects():
        context = {"properties": {"workspaceId": subject}}
        ramp = engine.check_variant("ramp", context).variant
        everyone = engine.check_variant("all", context).variant
        ours = bucket("stripe", subject) <= 37
        entered += ours
        expected_ramp = variant_of("stripe", subject, split) if ours else "disabled"
        if (ramp.feature_enabled, ramp.name) != (
            ours,
            expected_ramp,
        ) or everyone.name != variant_of("checkout", subject, split):
            mismatches.append(subject)
    assert mismatches == []
    assert abs(entered / SUBJECTS - 0.37) < 0.01


def test_variant_split_is_within_one_point_of_the_weights() -> None:
    weights = [("a", 100), ("b", 250), ("c", 650)]
    counts = Counter(variant_of("stripe", s, weights) for s in subjects())
    for name, weight in weights:
        assert abs(counts[name] / SUBJECTS - weight / 1000) < 0.01, (name, counts)
    ramp = Counter(bucket("stripe", s) <= 5 for s in subjects())
    assert abs(ramp[True] / SUBJECTS - 0.05) < 0.01


def rollout_at(step: int, steps: list[int], variants: list[tuple[str, int]]) -> Rollout:
    return Rollout(
        "stripe",
        {
            "environment": "production",
            "group": "stripe",
            "steps": [float(s) for s in steps],
            "variants": [{"name": n, "weight": float(w)} for n, w in variants],
            "state": {"status": "active", "step": float(step), "since": None, "reason": None},
        },
    )


@given(
    subject=st.text(min_size=0, max_size=40),
    steps=st.lists(st.integers(1, 100), min_size=2, max_size=6, unique=True).map(sorted),
    variants=st.sampled_from([[], [("control", 500), ("new-flow", 500)], [("x", 1), ("y", 999)]]),
)
def test_raising_the_percent_only_adds_subjects_and_never_moves_a_variant(
    subject: str, steps: list[int], variants: list[tuple[str, int]]
) -> None:
    answers = [
        evaluate(rollout_at(n, steps, variants), subject, integration_held=True)
        for n in range(len(steps))
    ]
    entered = [a.enabled for a in answers]
    assert entered == sorted(entered), "once in, a subject stays in as the percent rises"
    chosen = {a.variant for a in answers if a.enabled}
    assert len(chosen) <= 1, "a subject's variant does not depend on the percent"
    assert all(a.bucket == answers[0].bucket for a in answers)
