"""Issue 6 through pytest: leases, the embedded store's lock, health checks that roll back."""

from __future__ import annotations

import pytest

from seeding_suite import remote
from seeding_suite.client import Secret
from seeding_suite.engine.lock import Lease, LockSettings
from seeding_suite.settings import TargetSettings
from seeding_suite.targets.open import open_target
from seeding_suite.targets.remote import RemoteTarget
from seeding_suite.targets.store_lock import StoreBusy, StoreLock
from tests.support.project import Project, manifest
from tests.support.served import Served

BROKEN_HEALTH = """
from seeding_suite.engine.health import HealthProblem

def stripe_must_have_two_actions(view):
    if "stripe" in view.seeded and len(view.seeded["stripe"].docs) < 10:
        yield HealthProblem("two-actions", "stripe", "the platform needs two actions")
"""


def project_with_health_check(project: Project) -> None:
    project.write("core", manifest("core"))
    project.write("stripe", manifest("stripe"))
    project.pytester.makepyfile(healthchecks=BROKEN_HEALTH)
    project.pytester.makefile(
        ".toml",
        pyproject='[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n'
        'seeding_health_checks = ["healthchecks:stripe_must_have_two_actions"]\n',
    )
    project.pytester.syspathinsert()


def test_a_failing_health_check_rolls_the_run_back_and_the_audit_log_says_so(
    project: Project,
) -> None:
    project_with_health_check(project)
    run = project.run()
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    failure = run.cases("seed")["stripe"].find("failure")
    assert failure is not None
    message = failure.get("message") or ""
    assert "health check failed: two-actions: stripe: the platform needs two actions" in message
    assert "was rolled back automatically" in message
    assert project.state() == {}  # both integrations of the run are undone
    assert run.props("seed", "core")["action"] == "failed"
    skipped = project.run("--no-health-checks")
    assert skipped.result.ret == pytest.ExitCode.OK
    assert sorted(project.state()) == ["core", "stripe"]


def test_a_busy_embedded_store_fails_the_run_naming_the_holder(project: Project) -> None:
    project.write("core", manifest("core"))
    held = StoreLock(
        project.pytester.path / ".seeding/local.sqlite3", "ops-console", wait_seconds=0
    )
    try:
        run = project.run("--lock-wait", "0.3")
    finally:
        held.release()
    error = run.cases("seed")["core"].find("error")
    assert error is not None
    assert "is in use by ops-console" in (error.get("message") or "")
    assert project.run().props("seed", "core")["action"] == "created"


def test_a_leased_deployment_makes_a_second_seeder_wait_then_fail_naming_the_holder(
    project: Project, served: Served
) -> None:
    project.write("core", manifest("core"))
    other = RemoteTarget(served.url, Secret(served.key))
    with Lease(other, LockSettings(ttl_seconds=60, wait_seconds=0), "deploy-bot@ci", "run-x"):
        run = project.run("--convex-url", served.url, "--lock-wait", "0.5")
    other.close()
    error = run.cases("seed")["core"].find("error")
    assert error is not None
    assert "deploy-bot@ci" in (error.get("message") or "")
    assert project.run("--convex-url", served.url).props("seed", "core")["action"] == "created"


def test_reading_never_takes_the_embedded_lock(project: Project) -> None:
    db = project.pytester.path / ".seeding/local.sqlite3"
    held = StoreLock(db, "writer", wait_seconds=0)
    try:
        target = open_target(TargetSettings(db=db), read_only=True, wait_seconds=0)
        state = target.query(
            remote.READ_STATE,
            {"table": "integrations", "after": None, "limit": 1, "includeFields": False},
        )
        target.close()
        with pytest.raises(StoreBusy, match="in use by writer"):  # a writer would have to wait
            open_target(TargetSettings(db=db), wait_seconds=0)
    finally:
        held.release()
    assert state == {"docs": [], "next": None}
