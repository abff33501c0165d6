"""Path options never change what pytest runs: `--opt PATH` outside the project is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seeding_suite.plugin.options import VALUED_OPTIONS, add_options
from tests.support.project import Project, three_integrations

OUTSIDE = {
    "--seeding-db": "x.sqlite3",
    "--apply-plan": "plan.json",
    "--plan-json": "plan.json",
    "--manifest-root": "catalog",
}


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside the project holding each option's path."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "x.sqlite3").write_bytes(b"")
    (folder / "plan.json").write_text("{}", encoding="utf-8")
    (folder / "catalog").mkdir()
    return folder


@pytest.mark.parametrize("option", sorted(OUTSIDE))
def test_the_space_form_with_a_path_outside_the_project_stops_with_one_line(
    project: Project, elsewhere: Path, option: str
) -> None:
    three_integrations(project)
    value = str(elsewhere / OUTSIDE[option])
    extra = ["--plan"] if option == "--plan-json" else []
    result = project.pytester.runpytest("-p", "no:cacheprovider", option, value, *extra)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert errors == [
        f"ERROR: {option} {value}: pytest read this path as a test path and took "
        f"{elsewhere.parent} as its rootdir (not {project.pytester.path}), so it would not "
        f"run this project; write {option}={value}"
    ]
    assert "passed" not in result.stdout.str()


@pytest.mark.parametrize("option", sorted(OUTSIDE))
def test_the_equals_form_keeps_the_projects_rootdir(
    project: Project, elsewhere: Path, option: str
) -> None:
    three_integrations(project)
    value = str(elsewhere / OUTSIDE[option])
    extra = ["--plan"] if option == "--plan-json" else []
    result = project.pytester.runpytest("-p", "no:cacheprovider", f"{option}={value}", *extra)
    assert "read this path as a test path" not in result.stderr.str()
    result.stdout.fnmatch_lines([f"rootdir: {project.pytester.path}", "configfile: pyproject.toml"])


def test_a_path_inside_the_project_in_the_space_form_is_fine(project: Project) -> None:
    three_integrations(project)
    (project.pytester.path / "state").mkdir()
    (project.pytester.path / "state" / "x.sqlite3").write_bytes(b"")
    result = project.pytester.runpytest(
        "-p", "no:cacheprovider", "--seeding-db", "state/x.sqlite3", "-m", "not seed"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*18 passed*"])


class _Recorder:
    """Stands in for pytest's parser and its group: keeps what add_options declares."""

    def __init__(self) -> None:
        self.options: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def getgroup(self, *args: object) -> _Recorder:
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        self.options.append((names, attrs))

    def addini(self, *args: object, **kwargs: object) -> None:
        pass


def test_every_option_that_takes_a_value_is_checked() -> None:
    recorder = _Recorder()
    add_options(recorder)  # type: ignore[arg-type]
    valued = {
        name
        for names, attrs in recorder.options
        if attrs.get("action") not in {"store_true", "store_false"}
        for name in names
    }
    assert valued == set(VALUED_OPTIONS)
