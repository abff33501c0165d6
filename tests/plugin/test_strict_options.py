"""Options that cannot be right stop the run with one clear line instead of doing less."""

from __future__ import annotations

import pytest

from tests.support.project import Project, three_integrations


def test_an_unknown_integrations_id_seeds_nothing_and_fails_with_did_you_mean(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    run = project.run(*mode, "--integrations", "core,strpe", "--prune")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    stopped = (
        "NOT SEEDED: --integrations names 1 integration(s) no collected manifest has: "
        "'strpe' (did you mean 'stripe'?)"
    )
    run.result.stdout.fnmatch_lines([stopped])
    assert project.state() == {}
    assert run.props("seed", "core")["reason"].startswith("not seeded: --integrations names 1")
    again = project.run(*mode, "--integrations", "core")
    assert again.result.ret == pytest.ExitCode.OK
    assert sorted(project.state()) == ["core"]


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("--convex-rate=0", "argument --convex-rate: expected a number above 0, got '0'"),
        ("--convex-rate=-5", "argument --convex-rate: expected a number above 0, got '-5'"),
        ("--lock-wait=-1", "argument --lock-wait: expected a number of seconds (0 or more)"),
        ("--lock-wait=nan", "argument --lock-wait: expected a number, got 'nan'"),
    ],
)
def test_rates_and_waits_are_checked_at_the_command_line(
    project: Project, option: str, expected: str
) -> None:
    three_integrations(project)
    result = project.pytester.runpytest("-p", "no:cacheprovider", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{expected}*"])
    assert "Traceback" not in result.stderr.str()
