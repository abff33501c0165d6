"""Issue 12, item 6: a missing or empty catalog never empties the target; roots outside the
project are collected; deletions are counted everywhere; an internal error keeps the audit log."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import pytest

from seeding_suite.engine.runs import list_runs
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import Project, manifest, three_integrations

if TYPE_CHECKING:
    from pathlib import Path


def runs(project: Project) -> list[dict[str, Any]]:
    """The target's run records, newest first (as `seeding-suite runs --json` shows them)."""
    target = LocalTarget(seeding_deployment(project.pytester.path / ".seeding/local.sqlite3"))
    try:
        return list_runs(target, 100)
    finally:
        target.close()


def test_a_missing_manifest_root_is_a_usage_error_before_anything_runs(project: Project) -> None:
    three_integrations(project)
    project.run()
    result = project.pytester.runpytest("-p", "no:cacheprovider", "--manifest-root=gone", "--prune")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if line.strip()] == [
        "ERROR: manifest root(s) not found: gone"
    ]
    assert sorted(project.state()) == ["core", "monday", "stripe"]
    assert len(runs(project)) == 1


def test_a_prune_of_more_than_half_the_target_needs_prune_all(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    project.run(*mode)
    (project.pytester.path / "empty").mkdir()
    refused = project.run(*mode, "--manifest-root", "empty", "--prune")
    assert refused.result.ret == pytest.ExitCode.TESTS_FAILED
    refusal = (
        "prune refused: it would delete all of the 3 integrations the target holds (more than "
        "half); nothing was pruned. --prune-all allows it"
    )
    refused.result.stdout.fnmatch_lines([refusal])
    cases = refused.seed_cases()
    assert {i: c["action"] for i, c in cases.items()} == dict.fromkeys(
        ["core", "monday", "stripe"], "failed"
    )
    assert sorted(project.state()) == ["core", "monday", "stripe"]
    planned = project.run(*mode, "--manifest-root", "empty", "--prune", "--plan")
    planned.result.stdout.fnmatch_lines(["Plan: 0 to create, 0 to update, 0 to delete, *", refusal])

    pruned = project.run(*mode, "--manifest-root", "empty", "--prune-all")
    assert pruned.result.ret == pytest.ExitCode.OK
    assert project.state() == {}
    cases = pruned.seed_cases()
    assert {i: (c["action"], c["documents_deleted"]) for i, c in cases.items()} == dict.fromkeys(
        ["core", "monday", "stripe"], ("deleted", "5")
    )
    pruned.result.stdout.re_match_lines([r"seed: .* 3 deleted, .*; 15 documents written, .*"])
    suite = pruned.suite_props()
    assert (suite["deleted"], suite["documents_written"]) == ("3", "15")
    record = runs(project)[0]
    assert record["runId"] == suite["run_id"]
    assert (record["counts"]["deleted"], record["counts"]["documentsWritten"]) == (3, 15)


def test_half_of_the_target_may_be_pruned_without_prune_all(project: Project) -> None:
    project.write("core", manifest("core"))
    project.write("stripe", manifest("stripe"))
    project.run()
    (project.pytester.path / "manifests" / "stripe.yaml").unlink()
    pruned = project.run("--prune")
    assert pruned.props("seed", "stripe")["action"] == "deleted"
    assert sorted(project.state()) == ["core"]


def test_a_root_outside_the_project_is_collected_and_seeded(
    project: Project, mode: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere: Path = tmp_path_factory.mktemp("elsewhere")
    assert not elsewhere.is_relative_to(project.pytester.path)
    for mid in ("core", "monday"):
        (elsewhere / f"{mid}.yaml").write_text(manifest(mid), encoding="utf-8")
    # One token: pytest takes a separate path argument into its rootdir guess.
    run = project.run(*mode, f"--manifest-root={elsewhere}")
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert {i: c["action"] for i, c in run.seed_cases().items()} == {
        "core": "created",
        "monday": "created",
    }
    assert sorted(project.state()) == ["core", "monday"]


BOOM_AFTER_SEEDING = textwrap.dedent(
    """
    from seeding_suite.plugin.stage import SeedStage


    def boom(*args, **kwargs):
        raise RuntimeError("boom while reporting")


    SeedStage._case = staticmethod(boom)
    """
)


def test_an_internal_error_after_writes_keeps_the_audit_log_and_fails_the_record(
    project: Project,
) -> None:
    three_integrations(project)
    project.pytester.makeconftest(BOOM_AFTER_SEEDING)
    run = project.run(subprocess=True)  # the patch must not outlive this run
    assert run.result.ret == pytest.ExitCode.INTERNAL_ERROR
    assert sorted(project.state()) == ["core", "monday", "stripe"]  # it did write
    suite = run.suite_props()
    assert suite["internal_error"] == (
        "internal error in the seed stage: RuntimeError: boom while reporting"
    )
    assert suite["documents_written"] == "15"
    assert {"run_id", "environment", "target", "started_at", "finished_at"} <= set(suite)
    record = runs(project)[0]
    assert record["runId"] == suite["run_id"]
    assert record["status"] == "failed"
    assert record["reason"] == suite["internal_error"]
    assert record["counts"]["documentsWritten"] == 15
