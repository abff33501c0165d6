"""Reused passes: a check that passed on exactly the same inputs passes again without running."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.project import Project, Run, manifest, three_integrations

if TYPE_CHECKING:
    from pathlib import Path

CHECKS = ("parse", "schema", "references", "dependencies", "idempotency")


def cached(run: Run, integration: str) -> dict[str, bool]:
    """Per check of one manifest: did its testcase say the pass was reused?"""
    return {c: run.props(c, integration).get("cached") == "true" for c in CHECKS}


ALL = dict.fromkeys(CHECKS, True)
NONE = dict.fromkeys(CHECKS, False)


def test_a_second_run_reuses_every_pass_and_seeds_nothing(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    first = project.run(*mode)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    assert all(cached(first, i) == NONE for i in ("core", "stripe", "monday"))

    second = project.run(*mode)
    assert second.result.ret == pytest.ExitCode.OK, second.result.stdout.str()
    assert all(cached(second, i) == ALL for i in ("core", "stripe", "monday"))
    for check in CHECKS:  # the audit log's properties are the same as when the check ran
        for integration in ("core", "stripe", "monday"):
            before = first.props(check, integration)
            assert second.props(check, integration) == {**before, "cached": "true"}
    assert {i: second.props("seed", i)["action"] for i in ("core", "stripe", "monday")} == {
        "core": "unchanged",
        "stripe": "unchanged",
        "monday": "unchanged",
    }
    second.result.stdout.re_match_lines([r"seed: .*3 unchanged, .*; 0 documents written"])


def test_an_edited_manifest_is_checked_again_and_the_others_are_not(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    project.write("monday", manifest("monday", "0.9.1"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert cached(run, "monday") == NONE
    assert cached(run, "core") == ALL and cached(run, "stripe") == ALL
    assert run.props("seed", "monday")["action"] == "updated"
    assert run.props("seed", "stripe")["action"] == "unchanged"


def test_a_dependency_bump_rechecks_its_dependents_only(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    project.write("core", manifest("core", "2.0.0"))  # now outside stripe's range
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    assert cached(run, "monday") == ALL
    assert cached(run, "core") == NONE
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
    assert "defined by 2 files" in run.result.stdout.str()
    assert cached(run, "core") == ALL


def test_failures_are_never_reused(project: Project) -> None:
    project.write("monday", manifest("monday", connection="missing"))
    for attempt in range(2):
        run = project.run()
        assert run.result.ret == pytest.ExitCode.TESTS_FAILED
        assert run.cases("references")["monday"].find("failure") is not None
        assert "cached" not in run.props("references", "monday")
        run.result.stdout.fnmatch_lines(["*manifests/monday.yaml:*'missing' is not a connection*"])
        # The passes before it are inputs-only facts, reused the second time.
        assert ("cached" in run.props("parse", "monday")) == (attempt == 1)


def test_no_check_cache_runs_every_check(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    assert project.run(*mode).result.ret == pytest.ExitCode.OK
    run = project.run(*mode, "--no-check-cache")
    assert run.result.ret == pytest.ExitCode.OK
    assert all(cached(run, i) == NONE for i in ("core", "stripe", "monday"))


def test_a_damaged_cache_is_ignored(project: Project) -> None:
    three_integrations(project)
    assert project.run().result.ret == pytest.ExitCode.OK
    shards: list[Path] = sorted((project.pytester.path / ".seeding" / "cache").glob("*.json"))
    assert shards
    for shard in shards:
        shard.write_text('{"format": 1, "summaries": [], "checks": 7', encoding="utf-8")
    run = project.run()
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert cached(run, "core") == NONE
    assert project.run().result.ret == pytest.ExitCode.OK  # and the next run rebuilt it
    assert cached(project.run(), "core") == ALL


def test_validate_only_fills_the_cache_for_the_seeding_run(project: Project) -> None:
    three_integrations(project)
    assert project.run("-m", "not seed").result.ret == pytest.ExitCode.OK
    run = project.run()
    assert run.result.ret == pytest.ExitCode.OK
    assert cached(run, "stripe") == ALL
    assert run.props("seed", "stripe")["action"] == "created"
