"""Reports do not pile up: only seeding runs write a default audit log, and a retention
(ini `seeding_reports_keep`) removes the oldest of those, never a file someone else wrote."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seeding_suite.checks import CHECKS
from tests.support.project import PYPROJECT, Project, three_integrations


def reports(project: Project) -> list[Path]:
    folder = project.pytester.path / "reports"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def run(project: Project, *args: str) -> pytest.RunResult:
    """A run with pytest's defaults for the audit log (Project.run names a --junitxml file)."""
    return project.pytester.runpytest("-p", "no:cacheprovider", *args)


def run_id(path: Path) -> str:
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None
    return next(p.get("value", "") for p in suite.iter("property") if p.get("name") == "run_id")


@pytest.mark.parametrize(
    "args", [["-m", "not seed"], ["-m", "schema or parse"], ["--plan"]], ids=str
)
def test_a_run_that_cannot_seed_writes_no_audit_log(
    project: Project, mode: list[str], args: list[str]
) -> None:
    three_integrations(project)
    result = run(project, *mode, *args)
    assert result.ret == pytest.ExitCode.OK
    assert reports(project) == []
    assert "generated xml file" not in result.stdout.str()


def test_a_validate_only_run_writes_the_file_it_is_asked_for(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    asked = project.pytester.path / "ci" / "checks.xml"
    result = run(project, *mode, "-m", "not seed", f"--junitxml={asked}")
    assert result.ret == pytest.ExitCode.OK and asked.is_file() and reports(project) == []
    cases = ET.parse(asked).getroot().iter("testcase")
    assert {case.get("name") for case in cases} == {check.name for check in CHECKS}


def test_a_seeding_run_keeps_its_audit_log_and_retention_removes_only_its_own_oldest(
    project: Project, mode: list[str]
) -> None:
    project.pytester.makefile(
        ".toml",
        pyproject=PYPROJECT.replace("junit_family", "seeding_reports_keep = 2\njunit_family"),
    )
    three_integrations(project)
    folder = project.pytester.path / "reports"
    folder.mkdir()
    # Files seeding-suite did not write: a user's, one with a run id's name but not its
    # content, and one a user named with --junitxml: none of them is ever removed.
    (folder / "notes.xml").write_text("<mine/>", encoding="utf-8")
    (folder / "seeding-20200101T000000Z-00000000.xml").write_text("<x/>", encoding="utf-8")
    named = folder / "seeding-20200101T000000Z-11111111.xml"
    assert run(project, *mode, f"--junitxml={named}").ret == pytest.ExitCode.OK
    foreign = {p.name for p in reports(project)}
    runs = []  # each seeding run's own file, read as soon as the run ends
    for _ in range(3):
        before = set(reports(project))
        assert run(project, *mode).ret == pytest.ExitCode.OK
        (new,) = set(reports(project)) - before
        runs.append(run_id(new))
        assert new.name == f"seeding-{runs[-1]}.xml"
    left = {p.name for p in reports(project)} - foreign
    assert left == {f"seeding-{r}.xml" for r in runs[1:]}  # the two newest seeding runs
    assert foreign <= {p.name for p in reports(project)}


@pytest.mark.parametrize("value", ["-1", "many", "1.5"])
def test_a_bad_retention_setting_is_a_usage_error(project: Project, value: str) -> None:
    project.pytester.makefile(
        ".toml",
        pyproject=PYPROJECT.replace(
            "junit_family", f"seeding_reports_keep = '{value}'\njunit_family"
        ),
    )
    three_integrations(project)
    result = run(project)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "seeding_reports_keep must be a whole number (0 keeps all)" in result.stderr.str()
    assert reports(project) == []


def test_retention_zero_keeps_every_audit_log(project: Project) -> None:
    project.pytester.makefile(
        ".toml",
        pyproject=PYPROJECT.replace("junit_family", "seeding_reports_keep = 0\njunit_family"),
    )
    three_integrations(project)
    for _ in range(3):
        assert run(project).ret == pytest.ExitCode.OK
    assert len(reports(project)) == 3
