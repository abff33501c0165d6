"""Health checks after a run, and the automatic rollback when one fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.health import HealthProblem, HealthSettings, HealthView, check_health
from seeding_suite.engine.seeder import IntegrationResult, Seeder, SeedReport
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, V2, invariant_problems, run, seeded_docs, state_json
from tests.unit.engine.engine_builders import build

if TYPE_CHECKING:
    from collections.abc import Iterable


def fresh() -> LocalTarget:
    return LocalTarget(seeding_deployment(seed=1))


def no_stripe_3_2(view: HealthView) -> Iterable[HealthProblem]:
    """A project's own check: refuses stripe 3.2.0."""
    if view.state.versions.get("stripe") == "3.2.0":
        yield HealthProblem("project", "stripe", "3.2.0 is known to break checkout")


def test_a_healthy_run_is_left_alone() -> None:
    target = fresh()
    seeder = GuardedSeeder(target, health=HealthSettings(checks=(no_stripe_3_2,)))
    report = seeder.seed(V1, run("run-1"))
    assert seeder.outcome is None
    assert {r.action for r in report.results.values()} == {"created"}
    assert target.query(remote.GET_RUN, {"runId": "run-1"})["status"] == "succeeded"


def test_a_failing_check_rolls_the_run_back_and_fails_its_integrations_with_the_message() -> None:
    target = fresh()
    checked = HealthSettings(checks=(no_stripe_3_2,))
    GuardedSeeder(target, health=checked).seed(V1, run("run-1"))
    state_v1, docs_v1 = state_json(target), seeded_docs(target.fake)
    seeder = GuardedSeeder(target, health=checked)
    report = seeder.seed(V2, run("run-2"))
    assert (state_json(target), seeded_docs(target.fake)) == (state_v1, docs_v1)
    assert invariant_problems(target.fake) == []
    assert seeder.outcome is not None and seeder.outcome.rollback_run_id == "run-2-rollback"
    written = {"core", "stripe", "monday"}  # http was unchanged and is not blamed
    assert {i for i, r in report.results.items() if r.action == "failed"} == written
    message = report.results["monday"].message or ""
    assert "health check failed: project: stripe: 3.2.0 is known to break checkout" in message
    assert "rolled back automatically (rollback run run-2-rollback)" in message
    record = target.query(remote.GET_RUN, {"runId": "run-2"})
    assert (record["status"], record["rolledBackBy"]) == ("failed", "run-2-rollback")
    assert "3.2.0 is known to break checkout" in record["reason"]
    assert record["counts"]["failed"] == 3
    assert target.query(remote.GET_LOCK, {"name": "seeding"}) is None


def test_the_built_in_checks_find_missing_changed_and_dangling_documents() -> None:
    target = fresh()
    report = Seeder(target).seed(V1, run("run-1"))
    fake = target.fake
    # What a misbehaving deployment could leave behind: a lost document, a foreign rewrite,
    # and a dependency that vanished.
    action = next(d for d in fake.documents("actions") if d["naturalKey"] == "stripe/a0")
    http_node = next(d for d in fake.documents("integrations") if d["naturalKey"] == "http")
    core_action = next(d for d in fake.documents("actions") if d["naturalKey"] == "core/a1")

    def meddle(ctx: Any, args: dict[str, Any]) -> None:
        ctx.db.delete(action["_id"])
        ctx.db.delete(http_node["_id"])
        ctx.db.patch(core_action["_id"], {"checksum": "c1:sha256:foreign"})

    fake.register("test:meddle", "mutation", meddle)
    fake.mutation("test:meddle")
    state = Seeder(target).read_state()
    problems = [str(p) for p in check_health(target, state, V1, report)]
    assert "readable: http: its integration node is not readable" in problems
    assert any(
        p.startswith("documents: stripe:") and "missing actions stripe/a0" in p for p in problems
    )
    assert any(p.startswith("documents: core:") and "differ actions core/a1" in p for p in problems)
    assert "dependencies: stripe: dependency http is missing" in problems


def test_only_integrations_the_run_seeded_are_checked() -> None:
    target = fresh()
    state = Seeder(target).read_state()
    report = SeedReport("run-1", {"core": IntegrationResult("core", "skipped")})
    assert check_health(target, state, [build("core")], report) == []


def test_dependencies_outside_their_range_are_reported() -> None:
    target = fresh()
    core = build("core", "2.0.0")
    app = build("app", deps=(("core", "^1.0.0"),))
    report = Seeder(target).seed([core], run("run-1"))
    report.results["app"] = IntegrationResult("app", "unchanged")
    problems = check_health(target, Seeder(target).read_state(), [core, app], report)
    assert "dependencies: app: dependency core is at 2.0.0, outside '^1.0.0'" in [
        str(p) for p in problems
    ]


def test_health_checks_can_be_turned_off() -> None:
    target = fresh()
    seeder = GuardedSeeder(target, health=HealthSettings(enabled=False, checks=(no_stripe_3_2,)))
    seeder.seed(V2, run("run-1"))
    assert seeder.outcome is None
    assert target.query(remote.GET_RUN, {"runId": "run-1"})["status"] == "succeeded"


def test_a_run_that_wrote_nothing_is_not_checked_again() -> None:
    target = fresh()
    checked = HealthSettings(checks=(no_stripe_3_2,))
    GuardedSeeder(target, health=HealthSettings(enabled=False)).seed(V2, run("run-1"))
    seeder = GuardedSeeder(target, health=checked)
    report = seeder.seed(V2, run("run-2"))
    assert seeder.outcome is None
    assert {r.action for r in report.results.values()} == {"unchanged"}
