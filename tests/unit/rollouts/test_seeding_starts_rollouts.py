"""Seeding a manifest with a rollout block starts its rollout at the first step in that
environment, keeps it where it is when unchanged (even under strategy full, which rewrites
rows edited by hand), and restarts it at the first step for a new version."""

from __future__ import annotations

from seeding_suite.rollouts.documents import Rollout
from seeding_suite.rollouts.schedule import move
from seeding_suite.rollouts.store import RunContext, read_rollouts, write_changes
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.rollouts import rollout_manifest, seed


def the_rollout(target: LocalTarget) -> Rollout:
    (found,) = read_rollouts(target)
    return found


def advance(target: LocalTarget, run_id: str) -> None:
    change = move(the_rollout(target), "advance", 1.0, "test")
    write_changes(target, [change], RunContext(run_id, "tester", "0", "rollout advance"))


def test_seeding_starts_keeps_and_restarts_a_rollout() -> None:
    target = LocalTarget(seeding_deployment())
    seed(target, rollout_manifest(), "run-1")
    started = the_rollout(target)
    assert (started.key, started.status, started.step, started.percent) == (
        "stripe/rollout:production",
        "active",
        0,
        5,
    )
    assert started.fields["runId"] == "run-1" and started.state["since"] is None
    advance(target, "run-2")
    assert the_rollout(target).percent == 25
    again = seed(target, rollout_manifest(), "run-3", verify=True)
    assert again.results["stripe"].action == "unchanged"
    assert the_rollout(target).percent == 25  # kept: its state is not the catalog's
    bumped = seed(target, rollout_manifest("1.1.0"), "run-4")
    assert bumped.results["stripe"].action == "updated"
    restarted = the_rollout(target)
    assert (restarted.step, restarted.percent, restarted.fields["version"]) == (0, 5, "1.1.0")


def test_a_changed_block_is_a_change_of_the_manifest_and_a_removed_block_removes_it() -> None:
    target = LocalTarget(seeding_deployment())
    seed(target, rollout_manifest(), "run-1")
    advance(target, "run-2")
    same_version = seed(target, rollout_manifest(steps=[10, 50, 100]), "run-3")
    assert same_version.results["stripe"].action == "failed"  # same_version_changed conflict
    assert (the_rollout(target).step, the_rollout(target).percent) == (1, 25)
    seed(target, rollout_manifest("1.0.1", steps=[10, 50, 100]), "run-4")
    assert (the_rollout(target).step, the_rollout(target).percent) == (0, 10)
    plain = rollout_manifest().model_copy(update={"rollout": None})
    seed(target, plain.model_copy(update={"version": "1.0.2"}), "run-5")
    assert read_rollouts(target) == []


def test_a_rollout_applies_only_where_its_block_says() -> None:
    staging, production = LocalTarget(seeding_deployment()), LocalTarget(seeding_deployment())
    seed(staging, rollout_manifest(environments=["production"]), "run-1", "staging")
    assert read_rollouts(staging) == []
    assert staging.fake.documents("integrations")
    seed(production, rollout_manifest(environments=["production"]), "run-2", "production")
    assert [r.environment for r in read_rollouts(production)] == ["production"]
