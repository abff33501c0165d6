"""The conflicts a run records (the PRD's seeding_conflicts): version conflicts with their
resolution, dependencies the target cannot satisfy (skipped), and the catalog's duplicates
handed in by the stage; each with `resolvedAt` once resolved, null while it blocks."""

from __future__ import annotations

import time
from typing import Any

from engine_builders import build

from seeding_suite import remote
from seeding_suite.engine.conflicts import Conflict
from seeding_suite.engine.seeder import CONFLICTS_PER_CALL, Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import run


def conflicts(target: LocalTarget, integration: str | None = None) -> list[dict[str, Any]]:
    args = {"integration": integration, "limit": 1000}
    return list(target.query(remote.LIST_CONFLICTS, args))


def test_a_dependency_the_target_cannot_satisfy_is_a_skipped_conflict() -> None:
    target = LocalTarget(seeding_deployment())
    before = time.time() * 1000.0
    report = Seeder(target).seed([build("http", "2.0.0", deps=(("core", "^1.0.0"),))], run("r1"))
    assert report.results["http"].action == "skipped"
    [row] = conflicts(target)
    reason = "dependency core is not seeded in this run and not present in the target"
    assert {k: v for k, v in row.items() if k != "resolvedAt"} == {
        "runId": "r1",
        "integration": "http",
        "type": "dependency",
        "currentVersion": None,
        "newVersion": "2.0.0",
        "currentChecksum": None,
        "newChecksum": build("http", "2.0.0", deps=(("core", "^1.0.0"),)).checksum,
        "resolution": "skip",
        "detail": reason,
    }
    assert before <= row["resolvedAt"] <= time.time() * 1000.0


def test_a_held_integration_whose_new_dependency_is_missing_names_its_held_version() -> None:
    target = LocalTarget(seeding_deployment())
    Seeder(target).seed([build("core", "1.0.0"), build("http", "1.0.0")], run("r1"))
    bumped = build("http", "1.1.0", deps=(("core", "^2.0.0"),))
    Seeder(target).seed([bumped], run("r2"))
    [row] = conflicts(target, "http")
    assert (row["currentVersion"], row["newVersion"], row["type"]) == (
        "1.0.0",
        "1.1.0",
        "dependency",
    )
    assert row["currentChecksum"] == build("http", "1.0.0").checksum
    assert "outside '^2.0.0'" in row["detail"]


def test_a_blocked_version_conflict_is_unresolved_and_a_forced_one_resolved() -> None:
    target = LocalTarget(seeding_deployment())
    Seeder(target).seed([build("core", "2.0.0")], run("r1"))
    Seeder(target).seed([build("core", "1.0.0")], run("r2"))
    Seeder(target).seed([build("core", "1.0.0")], run("r3"), SeedOptions(force=True))
    forced, blocked = conflicts(target, "core")
    assert (blocked["runId"], blocked["resolution"], blocked["resolvedAt"]) == (
        "r2",
        "blocked",
        None,
    )
    assert (forced["runId"], forced["resolution"]) == ("r3", "force")
    assert isinstance(forced["resolvedAt"], float)
    assert blocked["detail"] is None


def test_conflicts_handed_in_are_recorded_with_the_runs_own() -> None:
    target = LocalTarget(seeding_deployment())
    duplicate = Conflict("acme", "duplicate", "1.0.0", "2.0.0", None, None, "skip", "set aside")
    Seeder(target).seed([build("core")], run("r1"), SeedOptions(conflicts=(duplicate,)))
    [row] = conflicts(target)
    assert (row["type"], row["resolution"], row["detail"]) == ("duplicate", "skip", "set aside")


def test_many_conflicts_are_recorded_in_slices_every_one_kept() -> None:
    target = LocalTarget(seeding_deployment())
    count = 2 * CONFLICTS_PER_CALL + 3
    orphans = [build(f"i{n:04d}", actions=0, deps=(("absent", "*"),)) for n in range(count)]
    Seeder(target).seed(orphans, run("r1"))
    assert len(target.fake.documents(remote.CONFLICTS_TABLE)) == count
