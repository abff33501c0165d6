"""The bad-input corpus through the plugin: the right check fails with file, line and field;
every good manifest of the case passes and is seeded; no INTERNALERROR, plain or -n 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.project import Project, Run

CASES = Path(__file__).parents[1] / "badinput" / "cases"
EXPECTATIONS: dict[str, list[dict[str, str]]] = json.loads(
    (CASES.parent / "expectations.json").read_text(encoding="utf-8")
)


# The hostile ones again with the checks run ahead in forked processes (a fresh interpreter:
# the plugin never forks a process with other threads, and this one has xdist's).
AHEAD = ["alias-bomb", "deep-block", "deep-flow", "non-utf8", "dependency-cycle"]


@pytest.mark.parametrize("case", sorted(EXPECTATIONS))
def test_a_bad_manifest_fails_its_check_and_spares_the_good_ones(
    project: Project, mode: list[str], case: str
) -> None:
    _use_case(project, case)
    _check_case(case, project.run(*mode))


@pytest.mark.parametrize("case", AHEAD)
def test_a_bad_manifest_checked_ahead_fails_the_same_way(project: Project, case: str) -> None:
    _use_case(project, case)
    run = project.run("--check-processes", "2", subprocess=True)
    run.result.stdout.fnmatch_lines(["checks: * checked ahead in * forked process(es)*"])
    _check_case(case, run)


def _use_case(project: Project, case: str) -> None:
    shutil.rmtree(project.pytester.path / "manifests")
    shutil.copytree(CASES / case / "manifests", project.pytester.path / "manifests")


def _check_case(case: str, run: Run) -> None:
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED, run.result.stdout.str()
    assert "INTERNALERROR" not in run.result.stdout.str() + run.result.stderr.str()
    failed = {
        (tc.get("file", ""), tc.get("name", ""))
        for tc in run.xml.iter("testcase")
        if tc.find("failure") is not None or tc.find("error") is not None
    }
    expected = EXPECTATIONS[case]
    assert failed == {(e["file"], e["check"]) for e in expected}
    for expectation in expected:
        [case_xml] = [
            tc
            for tc in run.xml.iter("testcase")
            if (tc.get("file"), tc.get("name")) == (expectation["file"], expectation["check"])
        ]
        failure = case_xml.find("failure")
        assert failure is not None
        assert expectation["contains"] in (failure.text or "")
        assert "Traceback" not in (failure.text or "")
    bad_files = {e["file"] for e in expected}
    for seed in (tc for tc in run.xml.iter("testcase") if tc.get("name") == "seed"):
        action = {p.get("name"): p.get("value") for p in seed.iter("property")}["action"]
        assert (action == "skipped") == (seed.get("file") in bad_files), seed.get("file")
