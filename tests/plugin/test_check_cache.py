"""Reused passes: a check that passed on exactly the same inputs passes again without running."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.project import Project, Run, manifest, three_integrations

if TYPE_CHECKING:
    from pathlib import Path

CHECKS = ("parse", "schema", "references", "dependencies", "idempotency", "signature")
PER_FILE = len(CHECKS)


def reused(run: Run) -> int:
    """How many check passes the run reused (the audit log's suite property)."""
    return int(run.suite_props()["checks_reused"])


def test_a_second_run_reuses_every_pass_and_seeds_nothing(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    first = project.run(*mode)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    assert reused(first) == 0

    second = project.run(*mode)
    assert second.result.ret == pytest.ExitCode.OK, second.result.stdout.str()
    assert reused(second) == 3 * PER_FILE  # 3 manifests x every check
    second.result.stdout.fnmatch_lines(["checks: 18 passed on unchanged inputs*reused*"])
    for check in CHECKS:  # the audit log's properties are the same as when the check ran
        for integration in ("core", "stripe", "monday"):
            assert second.props(check, integration) == first.props(check, integration)
    assert {i: second.props("seed", i)["action"] for i in ("core", "stripe", "monday")} == {
        "core": "unchanged",
        "stripe": "unchanged",
        "monday": "unchanged",
    }
    second.result.stdout.re_match_lines([r"seed: .*3 unchanged, .*; 0 documents written"])


def test_a_run_of_one_file_keeps_the_others_reusable(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    one = project.run(*mode, "manifests/monday.yaml", "-m", "not seed")
    assert reused(one) == PER_FILE
    again = project.run(*mode)
    assert again.result.ret == pytest.ExitCode.OK, again.result.stdout.str()
    assert reused(again) == 3 * PER_FILE


def test_an_edited_manifest_is_checked_again_and_the_others_are_not(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    project.write("monday", manifest("monday", "0.9.1"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert reused(run) == 2 * PER_FILE  # core's and stripe's; monday is checked again
    assert run.props("seed", "monday")["action"] == "updated"
    assert run.props("seed", "stripe")["action"] == "unchanged"


def test_a_dependency_bump_rechecks_its_dependents_only(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    project.write("core", manifest("core", "2.0.0"))  # now outside stripe's range
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    assert reused(run) == PER_FILE  # monday's: core changed, and stripe's closure holds core
    assert run.cases("dependencies")["stripe"].find("failure") is not None
    assert "outside the range" in run.result.stdout.str()


def test_a_new_duplicate_of_an_id_is_a_new_input(project: Project) -> None:
    three_integrations(project)
    assert project.run().result.ret == pytest.ExitCode.OK
    (project.pytester.path / "manifests" / "more").mkdir()
    (project.pytester.path / "manifests" / "more" / "monday.yaml").write_text(
        manifest("monday", "0.9.0"), encoding="utf-8"
    )
    run = project.run()
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    assert "id 'monday' is also defined by manifests/monday.yaml" in run.result.stdout.str()
    assert reused(run) == 2 * PER_FILE  # core's and stripe's: neither can see the id monday


def test_failures_are_never_reused(project: Project) -> None:
    project.write("monday", manifest("monday", connection="missing"))
    for _ in range(2):
        run = project.run()
        assert run.result.ret == pytest.ExitCode.TESTS_FAILED
        assert run.cases("references")["monday"].find("failure") is not None
        run.result.stdout.fnmatch_lines(["*manifests/monday.yaml:*'missing' is not a connection*"])
        # A file failing one of its own checks claims nothing in the catalog, and none of its
        # checks is reused: parse and schema run again beside the failing references.
        assert reused(run) == 0
        assert run.cases("schema")["monday"].find("failure") is None


def test_no_check_cache_runs_every_check(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    run = project.run(*mode, "--no-check-cache")
    assert run.result.ret == pytest.ExitCode.OK
    assert reused(run) == 0


def test_a_damaged_cache_is_ignored(project: Project) -> None:
    three_integrations(project)
    assert project.run().result.ret == pytest.ExitCode.OK
    shards: list[Path] = sorted((project.pytester.path / ".seeding" / "cache").glob("*.json"))
    assert shards
    for shard in shards:
        shard.write_text('{"format": 1, "summaries": [], "checks": 7', encoding="utf-8")
    run = project.run()
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert reused(run) == 0
    assert reused(project.run()) == 3 * PER_FILE  # the damaged run wrote a good cache again


def test_validate_only_fills_the_cache_for_the_seeding_run(project: Project) -> None:
    three_integrations(project)
    assert project.run("-m", "not seed").result.ret == pytest.ExitCode.OK
    run = project.run()
    assert run.result.ret == pytest.ExitCode.OK
    assert reused(run) == 3 * PER_FILE
    assert run.props("seed", "stripe")["action"] == "created"
