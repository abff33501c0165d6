"""The manifest statuses a run records (the PRD's integration_manifests status): every
manifest the caller saw, the candidates settled by what the engine did, written only when
they change."""

from __future__ import annotations

from typing import Any

from engine_builders import build

from seeding_suite import remote
from seeding_suite.engine.manifest_status import ManifestStatus, one_per_integration
from seeding_suite.engine.seeder import Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import MovableClock, run


def candidate(integration: str, version: str = "1.0.0", **deps: str) -> ManifestStatus:
    desired = build(integration, version, deps=tuple(deps.items()))
    return ManifestStatus(
        integration,
        f"manifests/{integration}.yaml",
        version,
        desired.checksum,
        "validated",
        None,
        True,
    )


BROKEN = ManifestStatus(
    "broken", "manifests/broken.yaml", None, None, "error", "not seeded: check parse failed"
)


def statuses(target: LocalTarget, environment: str = "development") -> dict[str, dict[str, Any]]:
    args = {"environment": environment, "after": None, "limit": 1000}
    page = target.query(remote.LIST_MANIFEST_STATUSES, args)
    return {row["integration"]: row for row in page["statuses"]}


def test_candidates_settle_from_their_results_and_the_others_are_kept_as_seen() -> None:
    clock = MovableClock()
    target = LocalTarget(seeding_deployment(clock=clock))
    Seeder(target).seed([build("core", "2.0.0")], run("r0"))
    seen = (candidate("stripe"), candidate("http", core="^1.0.0"), candidate("core"), BROKEN)
    desired = [build("stripe"), build("http", deps=(("core", "^1.0.0"),)), build("core")]
    Seeder(target).seed(desired, run("r1"), SeedOptions(manifests=seen))
    found = statuses(target)
    assert {i: (r["status"], r["runId"]) for i, r in found.items()} == {
        "stripe": ("seeded", "r1"),
        "http": ("validated", "r1"),
        "core": ("error", "r1"),
        "broken": ("error", "r1"),
    }
    assert found["stripe"]["reason"] is None and found["stripe"]["file"] == "manifests/stripe.yaml"
    assert found["core"]["reason"].startswith("version conflict: core 1.0.0 is older")
    assert found["http"]["reason"] == (
        "dependency core is present in the target at 2.0.0, outside '^1.0.0'"
    )
    errors = target.query(remote.GET_RUN, {"runId": "r1"})["errors"]
    assert [e["integration"] for e in errors] == ["broken", "core"]  # by id, checks' too
    assert found["broken"] == {
        "environment": "development",
        "integration": "broken",
        "file": "manifests/broken.yaml",
        "version": None,
        "checksum": None,
        "status": "error",
        "reason": "not seeded: check parse failed",
        "runId": "r1",
        "updatedAt": clock.now,
    }


def test_an_unchanged_catalog_rewrites_no_status() -> None:
    clock = MovableClock()
    target = LocalTarget(seeding_deployment(clock=clock))
    options = SeedOptions(manifests=(candidate("core"), BROKEN))
    Seeder(target).seed([build("core")], run("r1"), options)
    first = statuses(target)
    clock.advance(60)
    Seeder(target).seed([build("core")], run("r2"), options)
    assert statuses(target) == first
    assert first["core"]["status"] == "seeded" and first["core"]["runId"] == "r1"


def test_a_run_without_statuses_records_none() -> None:
    target = LocalTarget(seeding_deployment())
    Seeder(target).seed([build("core")], run("r1"))
    assert target.fake.documents(remote.MANIFEST_STATUSES_TABLE) == []


def test_two_files_of_one_id_make_one_row_the_seeded_one_first() -> None:
    shadowed = ManifestStatus("core", "team-b/core.yaml", "0.9.0", None, "validated", "set aside")
    failing = ManifestStatus("core", "team-c/core.yaml", None, None, "error", "bad")
    kept = one_per_integration([shadowed, candidate("core").settled("created", None), failing])
    assert [(s.file, s.status) for s in kept] == [("manifests/core.yaml", "seeded")]
    assert [s.file for s in one_per_integration([shadowed, failing])] == ["team-c/core.yaml"]


def test_statuses_beyond_one_call_are_all_written() -> None:
    target = LocalTarget(seeding_deployment())
    many = tuple(
        ManifestStatus(f"i{n:04d}", f"manifests/i{n:04d}.yaml", None, None, "discovered")
        for n in range(remote.MAX_MANIFEST_STATUSES + 5)
    )
    Seeder(target).seed([], run("r1"), SeedOptions(manifests=many))
    assert len(target.fake.documents(remote.MANIFEST_STATUSES_TABLE)) == len(many)
