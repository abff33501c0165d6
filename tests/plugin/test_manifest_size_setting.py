"""ini `seeding_max_manifest_bytes`: the file size limit of one manifest, named in the message."""

from __future__ import annotations

import pytest

from tests.support.project import PYPROJECT, Project, manifest


def with_setting(project: Project, value: str) -> None:
    ini = f"seeding_max_manifest_bytes = {value}\njunit_family"
    project.pytester.makefile(".toml", pyproject=PYPROJECT.replace("junit_family", ini))


def test_a_file_over_the_configured_limit_fails_parse_naming_value_and_setting(
    project: Project, mode: list[str]
) -> None:
    with_setting(project, "2000")
    project.write("small", manifest("small"))
    project.write("large", manifest("large", extra="notes: " + "x" * 2000 + "\n"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    failed = {
        tc.get("classname") for tc in run.xml.iter("testcase") if tc.find("failure") is not None
    }
    assert failed == {"manifests.large.yaml"}
    run.result.stdout.fnmatch_lines(
        [
            "*manifests/large.yaml: the file is larger than 2,000 bytes, the limit for one "
            "manifest (ini seeding_max_manifest_bytes)*"
        ]
    )
    assert project.state().keys() == {"small"}


def test_a_bad_setting_stops_the_run_with_one_line(project: Project) -> None:
    with_setting(project, "'lots'")
    project.write("small", manifest("small"))
    run = project.run()
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines(
        ["*seeding_max_manifest_bytes must be a whole number of bytes (1 or more), got 'lots'*"]
    )
