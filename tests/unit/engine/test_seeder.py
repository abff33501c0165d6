"""The engine against the in-process fake: idempotency, convergence after faults, order."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from engine_builders import Factory, build
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.convex import InjectedFault
from seeding_suite import remote
from seeding_suite.checks.idempotency import user_state
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.desired import DesiredDoc, DesiredIntegration
from seeding_suite.engine.seeder import RunInfo, Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment

CATALOG = [
    build("core", "1.2.0", actions=3),
    build("http", "2.0.0", actions=4, deps=(("core", "^1.0.0"),)),
    build("stripe", "3.1.0", actions=6, deps=(("core", "*"), ("http", ">=2.0.0"))),
    build("monday", "0.4.0", actions=2),
]


def run(n: int) -> RunInfo:
    return RunInfo(f"run-{n}", "development", "tester", "0", "catalog")


def fresh() -> LocalTarget:
    return LocalTarget(seeding_deployment(seed=1))


def test_a_second_run_writes_nothing_and_reports_unchanged() -> None:
    target = fresh()
    first = Seeder(target).seed(CATALOG, run(1))
    assert {r.action for r in first.results.values()} == {"created"}
    assert first.documents_written == sum(len(d.docs) for d in CATALOG)
    state = user_state(target, system=True)
    second = Seeder(target).seed(CATALOG, run(2))
    assert second.documents_written == 0
    assert {r.action for r in second.results.values()} == {"unchanged"}
    assert user_state(target, system=True) == state


def test_calls_scale_with_batches_not_documents() -> None:
    target = fresh()
    report = Seeder(target, limits=BatchLimits(max_ops=500)).seed(CATALOG, run(1))
    reads = len(remote.SEEDED_TABLES)
    assert report.batches == 1
    assert report.calls == reads + report.batches + 2  # two run records


def test_every_run_is_recorded_in_the_target_with_its_counts() -> None:
    target = fresh()
    Seeder(target).seed(CATALOG, run(7))
    record = target.query(remote.GET_RUN, {"runId": "run-7"})
    assert record["status"] == "succeeded"
    assert record["counts"]["created"] == 4
    assert record["counts"]["documentsWritten"] == sum(len(d.docs) for d in CATALOG)


def test_an_update_touches_only_the_changed_integration(make: Factory) -> None:
    target = fresh()
    Seeder(target).seed(CATALOG, run(1))
    changed = [*CATALOG[:3], make("monday", "0.5.0", actions=2, label="!")]
    report = Seeder(target).seed(changed, run(2))
    actions = {i: r.action for i, r in report.results.items()}
    assert actions == {
        "core": "unchanged",
        "http": "unchanged",
        "stripe": "unchanged",
        "monday": "updated",
    }
    assert report.results["monday"].counts.updated == 3


def test_a_target_that_moved_after_the_plan_fails_the_batch_and_writes_nothing(
    make: Factory,
) -> None:
    target = fresh()
    Seeder(target).seed([make("core")], run(1))

    class Meddler(LocalTarget):
        def mutation(self, path: str, args: dict[str, Any]) -> Any:
            if path == remote.APPLY_BATCH:  # someone else rewrites core between plan and apply
                Seeder(LocalTarget(self.fake)).seed([make("core", "1.0.1", label="?")], run(99))
            return super().mutation(path, args)

    before = user_state(target, system=False)
    report = Seeder(Meddler(target.fake)).seed([make("core", "1.1.0", label="!")], run(2))
    assert report.results["core"].action == "failed"
    assert "target changed since the plan was read" in (report.results["core"].message or "")
    assert user_state(target, system=False) != before  # the meddler's write, not ours
    assert all("!" not in d["name"] for d in target.fake.documents("actions"))


def test_a_failed_dependency_skips_its_dependents(make: Factory) -> None:
    target = fresh()
    core = make("core")
    bad = DesiredDoc("actions", "core/bad", "core", {"key": "bad", "name": 5}, "c1:sha256:0")
    broken = DesiredIntegration(core.id, core.version, core.dependencies, (*core.docs, bad))
    app = make("app", deps=(("core", "*"),))
    report = Seeder(target, limits=BatchLimits(max_ops=3)).seed([broken, app], run(1))
    assert report.results["core"].action == "failed"
    assert report.results["app"].action == "skipped"
    assert "dependency core failed" in (report.results["app"].message or "")


@settings(max_examples=25, deadline=None)
@given(
    fault_at=st.integers(1, 8),
    phase=st.sampled_from(["before", "after_commit"]),
    max_ops=st.integers(1, 20),
)
def test_a_run_interrupted_anywhere_then_rerun_converges(
    fault_at: int, phase: str, max_ops: int
) -> None:
    clean = fresh()
    Seeder(clean, limits=BatchLimits(max_ops=max_ops)).seed(CATALOG, run(1))
    expected = user_state(clean, system=False)

    target = fresh()
    seen = {"mutations": 0}

    def hook(path: str, when: str) -> None:
        if when == "before":
            seen["mutations"] += 1
        if seen["mutations"] == fault_at and when == phase:
            raise InjectedFault(f"fault at mutation {fault_at} ({phase})")

    target.fake.set_fault_hook(hook)
    with contextlib.suppress(InjectedFault):
        Seeder(target, limits=BatchLimits(max_ops=max_ops)).seed(CATALOG, run(1))
    target.fake.set_fault_hook(None)
    Seeder(target, limits=BatchLimits(max_ops=max_ops)).seed(CATALOG, run(2))
    assert user_state(target, system=False) == expected
    keys = [d["naturalKey"] for d in target.fake.documents("actions")]
    assert len(keys) == len(set(keys))  # no duplicates


@settings(max_examples=15, deadline=None)
@given(order=st.permutations(range(len(CATALOG))), max_ops=st.integers(1, 40))
def test_independent_integrations_seed_to_the_same_state_in_any_order(
    order: list[int], max_ops: int
) -> None:
    independent = [build(f"i{n}", actions=n + 1) for n in range(4)]
    baseline = fresh()
    Seeder(baseline).seed(independent, run(1))
    target = fresh()
    Seeder(target, limits=BatchLimits(max_ops=max_ops)).seed(
        [independent[i] for i in order], run(1)
    )
    assert user_state(target, system=False) == user_state(baseline, system=False)


@pytest.mark.parametrize("table", sorted(remote.SEEDED_TABLES))
def test_read_state_pages_through_every_document(table: str) -> None:
    target = fresh()
    Seeder(target).seed(CATALOG, run(1))
    state = Seeder(target).read_state()
    stored = {k for (t, k) in state.docs if t == table}
    assert stored == {d["naturalKey"] for d in target.fake.documents(table)}


def test_a_downgrade_is_a_recorded_conflict_unless_allowed(make: Factory) -> None:
    target = fresh()
    Seeder(target).seed([make("core", "2.0.0")], run(1))
    report = Seeder(target).seed([make("core", "1.9.0", label="old")], run(2))
    assert report.results["core"].action == "failed"
    assert "1.9.0 is older than the seeded 2.0.0 (a downgrade)" in (
        report.results["core"].message or ""
    )
    [row] = target.query(remote.LIST_CONFLICTS, {"integration": "core", "limit": 10})
    assert (row["type"], row["resolution"], row["runId"]) == ("downgrade", "blocked", "run-2")
    assert target.query(remote.GET_RUN, {"runId": "run-2"})["status"] == "failed"
    allowed = Seeder(target).seed(
        [make("core", "1.9.0", label="old")], run(3), SeedOptions(allow_downgrade=True)
    )
    assert allowed.results["core"].action == "updated"
    rows = target.query(remote.LIST_CONFLICTS, {"integration": "core", "limit": 10})
    assert [r["resolution"] for r in rows] == ["allow_downgrade", "blocked"]


def test_the_same_version_with_other_content_needs_force(make: Factory) -> None:
    target = fresh()
    Seeder(target).seed([make("core", "1.0.0")], run(1))
    changed = make("core", "1.0.0", label="!")
    assert Seeder(target).seed([changed], run(2)).results["core"].action == "failed"
    forced = Seeder(target).seed([changed], run(3), SeedOptions(force=True))
    assert forced.results["core"].action == "updated"
    assert Seeder(target).seed([changed], run(4)).results["core"].action == "unchanged"


def test_verification_finds_and_rewrites_a_row_edited_by_hand(make: Factory) -> None:
    target = fresh()
    core = make("core")
    Seeder(target).seed([core], run(1))
    [row] = [d for d in target.fake.documents("actions") if d["naturalKey"] == "core/a0"]
    target.fake.register(
        "hand:edit",
        "mutation",
        lambda ctx, args: ctx.db.patch(row["_id"], {"name": "edited by hand"}),
    )
    target.fake.mutation("hand:edit", {})
    assert not any(d.drifted for d in Seeder(target).read_state().docs.values())
    verified = Seeder(target).read_state(verify=True)
    assert [k for (t, k), d in verified.docs.items() if d.drifted] == ["core/a0"]
    assert (
        Seeder(target).seed([core], run(2)).documents_written == 0
    )  # incremental: trusts checksums
    full = Seeder(target).seed([core], run(3), SeedOptions(verify=True))
    assert full.results["core"].counts.updated == 1
    assert not any(d.drifted for d in Seeder(target).read_state(verify=True).docs.values())
