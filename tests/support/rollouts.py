"""Rollout manifests and targets for the rollout tests: a manifest with a `rollout:` block,
seeded into a target as the final stage seeds it (desired state of one environment)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seeding_suite.engine.desired import desired_integration
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.seeder import RunInfo, SeedOptions
from seeding_suite.environments import EnvironmentPolicy
from seeding_suite.model import Manifest

if TYPE_CHECKING:
    from seeding_suite.engine.seeder import SeedReport
    from seeding_suite.targets.base import ConvexTarget

ROLLOUT_BLOCK = """rollout:
  stickiness: workspaceId
  steps: [5, 25, 50, 100]
  hold: 1h
  gates: {max_error_rate: 0.05, min_requests: 200}
  variants:
    - {name: control, weight: 500}
    - {name: new-flow, weight: 500}
"""
"""A manifest's rollout block as YAML (append to tests.support.project.manifest's text)."""
SPLIT = [{"name": "control", "weight": 500}, {"name": "new-flow", "weight": 500}]


def rollout_manifest(version: str = "1.0.0", integration: str = "stripe", **block: Any) -> Manifest:
    """A manifest with a rollout block (steps 5, 25, 50, 100; 1h hold; gates 2% of 200)."""
    rollout = {
        "stickiness": "workspaceId",
        "steps": [5, 25, 50, 100],
        "hold": "1h",
        "gates": {"max_error_rate": 0.02, "min_requests": 200},
        "variants": SPLIT,
    } | block
    return Manifest.model_validate(
        {
            "manifest_version": 1,
            "id": integration,
            "name": integration.title(),
            "version": version,
            "rollout": {k: v for k, v in rollout.items() if v is not None},
        }
    )


def seed(
    target: ConvexTarget,
    manifest: Manifest,
    run_id: str,
    environment: str = "production",
    *,
    verify: bool = False,
) -> SeedReport:
    """Seed one manifest into `environment` (verify: strategy full, rows read whole)."""
    desired = [desired_integration(manifest, EnvironmentPolicy(environment))]
    info = RunInfo(run_id, environment, "tester", "0", "catalog")
    return GuardedSeeder(target).seed(desired, info, SeedOptions(verify=verify))
