"""Seed items are collected like the checks: listed, selected by node id, `-m` and `-k`, and
counted the same in the header, the progress and the final line (plain and under xdist)."""

from __future__ import annotations

import re

import pytest

from seeding_suite.checks import CHECKS
from tests.support.project import Project, manifest, three_integrations

FILES = ("core", "monday", "stripe")
NAMES = tuple(check.name for check in CHECKS)
PER_FILE = len(CHECKS) + 1  # its checks and its seed item


def _collected(result: pytest.RunResult) -> int:
    """The header's item count: `collected N items` plainly, `2 workers [N items]` under xdist."""
    text = result.stdout.str()
    found = re.search(r"collected (\d+) items?|workers \[(\d+) items?\]", text)
    assert found is not None, text
    return int(found[1] or found[2])


def _outcomes(result: pytest.RunResult) -> dict[str, int | None]:
    """The final line's passed and deselected counts, which must add up to the header's
    (xdist's workers deselect, so the controller's line has no `deselected`: None)."""
    outcomes = result.parseoutcomes()
    passed, deselected = outcomes["passed"], outcomes.get("deselected")
    assert _collected(result) == passed + (deselected or 0)
    return {"passed": passed, "deselected": deselected}


def _percentages(result: pytest.RunResult) -> list[int]:
    return [int(p) for p in re.findall(r"\[\s*(\d+)%\]", result.stdout.str())]


def test_collect_only_lists_a_seed_item_after_each_manifests_checks(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    result = project.pytester.runpytest("-p", "no:cacheprovider", "--co", "-q", *mode)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    listed = [line for line in result.outlines if "::" in line]
    assert listed == [f"manifests/{f}.yaml::{c}" for f in FILES for c in (*NAMES, "seed")]
    assert not (project.pytester.path / ".seeding").exists()  # listing seeds nothing


def test_header_progress_and_final_counts_agree(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    run = project.run(*mode)
    result = run.result
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert _collected(result) == 3 * PER_FILE
    assert result.parseoutcomes() == {"passed": 3 * PER_FILE}
    progress = _percentages(result)
    assert progress[-1] == 100 and progress == sorted(progress)
    assert len(run.cases("seed")) == 3 and sorted(project.state()) == list(FILES)


def test_a_seed_node_id_seeds_that_manifest_alone_and_runs_its_checks(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    run = project.run(*mode, "manifests/monday.yaml::seed", "-v")
    result = run.result
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert _collected(result) == 1
    assert result.parseoutcomes() == {"passed": 1}
    result.stdout.re_match_lines([r".*manifests/monday\.yaml::seed CREATED.*"])
    assert sorted(project.state()) == ["monday"]
    assert list(run.seed_cases()) == ["monday"]
    assert run.seed_cases()["monday"]["checksum"]  # the checks the stage ran gave it


def test_a_seed_node_id_fails_with_the_findings_of_a_check_it_ran(
    project: Project, mode: list[str]
) -> None:
    project.write("broken", manifest("broken", connection="nope"))
    run = project.run(*mode, "manifests/broken.yaml::seed")
    result = run.result
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    assert result.parseoutcomes() == {"failed": 1}
    failure = run.cases("seed")["broken"].find("failure")
    assert failure is not None
    message = failure.get("message", "") + (failure.text or "")
    assert "not seeded: check references failed" in message
    assert "manifests/broken.yaml" in message and "nope" in message
    assert project.state() == {}


def test_marker_seed_selects_the_seed_items_and_seeds_them(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    run = project.run(*mode, "-m", "seed")
    result = run.result
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert _outcomes(result) == {"passed": 3, "deselected": None if mode else 3 * len(CHECKS)}
    assert sorted(run.seed_cases()) == list(FILES)
    assert sorted(project.state()) == list(FILES)
    assert not run.cases("schema")  # the checks ran inside the stage, not as testcases


def test_a_selection_without_seed_items_seeds_nothing_and_writes_no_audit_log(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    for how in (["-k", "schema"], ["manifests/core.yaml::parse"]):
        result = project.pytester.runpytest("-p", "no:cacheprovider", *mode, *how)
        assert result.ret == pytest.ExitCode.OK, result.stdout.str()
        assert "seed stage" not in result.stdout.str()
        assert not list((project.pytester.path / "reports").glob("*.xml"))
    assert project.state() == {}


def test_a_plain_seeding_run_still_writes_its_audit_log(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    result = project.pytester.runpytest("-p", "no:cacheprovider", *mode, "-k", "core")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert _outcomes(result) == {"passed": PER_FILE, "deselected": None if mode else 2 * PER_FILE}
    assert len(list((project.pytester.path / "reports").glob("seeding-*.xml"))) == 1
    assert sorted(project.state()) == ["core"]


def test_last_failed_selects_a_failed_seed_item_again(project: Project) -> None:
    """The cache records a seed failure under the seed item's node id, which now exists."""
    project.write("core", manifest("core", "1.0.0"))
    absent = "\n  - id: absent\n    version: '1'\n"
    project.write("stripe", manifest("stripe", "1.0.0", deps=absent))
    first = project.pytester.runpytest("manifests/stripe.yaml::seed")
    assert first.ret == pytest.ExitCode.TESTS_FAILED, first.stdout.str()
    again = project.pytester.runpytest("--lf")
    again.stdout.fnmatch_lines(["*run-last-failure: rerun previous 1 failure*"])
    assert again.parseoutcomes() == {"failed": 1}, again.stdout.str()  # of all the items
