"""Checks run ahead in forked processes (seeding_suite.prefetch): the same audit log as without.

These runs use a fresh interpreter: the test process itself has xdist's threads, and the
plugin never forks a process with other threads alive.
"""

from __future__ import annotations

import pytest

from tests.support.project import (
    PYPROJECT,
    Project,
    Run,
    calls_counted,
    manifest,
    three_integrations,
)

AHEAD = "checks: * manifest(s) checked ahead in 2 forked process(es)*"


def _catalog_with_problems(project: Project) -> None:
    three_integrations(project)
    project.write("broken", "id: [unclosed\n")
    project.write("dangling", manifest("dangling", connection="api-kee"))
    project.write("orphan", manifest("orphan", deps="  - id: ghost\n    version: '^1'\n"))


def _outcomes(run: Run) -> dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Each testcase's outcome, message and properties (everything but times and run ids)."""
    found = {}
    for case in run.xml.iter("testcase"):
        problem = next((child for child in case if child.tag != "properties"), None)
        outcome = "passed" if problem is None else problem.tag
        message = "" if problem is None else (problem.get("message") or "") + (problem.text or "")
        props = tuple(
            (p.get("name", ""), p.get("value", ""))
            for p in case.iter("property")
            if p.get("name") not in ("run_id", "duration_s", "seconds")
        )
        found[f"{case.get('classname')}::{case.get('name')}"] = (outcome, message, props)
    return found


def test_checked_ahead_the_audit_log_is_the_one_checked_in_process(project: Project) -> None:
    _catalog_with_problems(project)
    here = project.run("-m", "not seed", "--check-processes", "0", "--no-check-cache")
    ahead = project.run(
        "-m", "not seed", "--check-processes", "2", "--no-check-cache", subprocess=True
    )
    assert ahead.result.ret == here.result.ret == pytest.ExitCode.TESTS_FAILED
    assert _outcomes(ahead) == _outcomes(here)
    assert _outcomes(ahead)["manifests.dangling.yaml::references"][0] == "failure"
    assert "api-kee" in _outcomes(ahead)["manifests.dangling.yaml::references"][1]
    ahead.result.stdout.fnmatch_lines([AHEAD])
    assert "checked ahead" not in here.result.stdout.str()


CHILDREN_NEVER_RECORD = """
import os
from seeding_suite.cache import ResultCache

PARENT = os.getpid()
original = ResultCache.record_pass


def record_pass(self, *args):
    if os.getpid() != PARENT:
        raise RuntimeError("a child wrote to its copy of the cache")
    return original(self, *args)


ResultCache.record_pass = record_pass
"""


def test_passes_checked_ahead_are_recorded_by_the_parent_and_reused(project: Project) -> None:
    three_integrations(project)
    # A child that recorded a pass would fail on its file and hand it back.
    project.pytester.makeconftest(CHILDREN_NEVER_RECORD)
    first = project.run("-m", "not seed", "--check-processes", "2", subprocess=True)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    first.result.stdout.fnmatch_lines(["checks: 3 manifest(s) checked ahead in 2 *"])
    second = project.run("-m", "not seed", "--check-processes", "2", subprocess=True)
    second.result.stdout.fnmatch_lines(["checks: 18 passed on unchanged inputs*"])
    assert "checked ahead" not in second.result.stdout.str()  # nothing left to check
    assert _outcomes(second) == _outcomes(first)


@pytest.mark.parametrize(
    ("failure", "handed"),
    # Files are dealt round-robin in order: broken, dangling, orphan to one child and core,
    # monday, stripe to the other. A dead child hands back the rest of its files too.
    [("os._exit(3)", 2), ("raise RuntimeError('boom')", 4)],
)
def test_a_child_that_dies_or_fails_hands_its_files_back(
    project: Project, failure: str, handed: int
) -> None:
    _catalog_with_problems(project)
    reference = project.run("-m", "not seed", "--check-processes", "0", "--no-check-cache")
    project.pytester.makeconftest(
        f"""
        import os
        from seeding_suite.runner import CheckRunner

        PARENT = os.getpid()
        original = CheckRunner.result_of

        def result_of(self, path, names):
            if os.getpid() != PARENT and path.stem in ("stripe", "broken"):
                {failure}
            return original(self, path, names)

        CheckRunner.result_of = result_of
        """
    )
    run = project.run(
        "-m", "not seed", "--check-processes", "2", "--no-check-cache", subprocess=True
    )
    assert run.result.ret == reference.result.ret == pytest.ExitCode.TESTS_FAILED
    assert _outcomes(run) == _outcomes(reference)
    assert _outcomes(run)["manifests.stripe.yaml::idempotency"][0] == "passed"
    run.result.stdout.fnmatch_lines([f"checks: {handed} manifest(s) checked ahead in 2 *"])


def test_check_processes_must_be_a_count_or_auto(project: Project) -> None:
    three_integrations(project)
    pyproject = project.pytester.path / "pyproject.toml"
    pyproject.write_text(
        PYPROJECT.replace(
            "[tool.seeding_suite]", 'seeding_check_processes = "many"\n\n[tool.seeding_suite]'
        )
    )
    result = project.pytester.runpytest("-p", "no:cacheprovider", "--co")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*seeding_check_processes*many*"])


LOADS_AHEAD = """
from pathlib import Path

from seeding_suite.plugin import stage

taken = []


class CountingPrefetch(stage.Prefetch):
    def take(self, key):
        found = super().take(key)
        taken.append(found is not None)
        return found


stage.Prefetch = CountingPrefetch


def pytest_runtest_teardown(item):
    if item.nodeid == "manifests/stripe.yaml::idempotency":
        path = Path(str(item.path))
        path.write_text(path.read_text().replace("The stripe integration.", "Edited."))


def pytest_unconfigure(config):
    print(f"loads taken from children: {sum(taken)} of {len(taken)}")
"""


def test_the_stage_loads_manifests_ahead_and_seeds_only_what_was_checked(
    project: Project,
) -> None:
    three_integrations(project)
    project.pytester.makeconftest(LOADS_AHEAD)
    run = project.run("--check-processes", "2", subprocess=True)
    # Loaded by children: the three manifests; stripe's edited bytes lost their checksum.
    run.result.stdout.fnmatch_lines(["loads taken from children: 3 of 3"])
    assert {i: run.props("seed", i)["action"] for i in ("core", "monday", "stripe")} == {
        "core": "created",
        "monday": "created",
        "stripe": "skipped",
    }
    assert "the manifest changed after its checks ran" in run.props("seed", "stripe")["reason"]
    state = project.state()
    assert set(state) == {"core", "monday"}
    assert state["core"]["checksum"] == run.props("parse", "core")["checksum"]


FORKS_COUNTED = """
import os

forks = []
original = os.fork


def fork():
    pid = original()
    if pid:
        forks.append(pid)
    return pid


os.fork = fork


def pytest_unconfigure(config):
    print(f"forks: {len(forks)}")
"""


def test_children_are_forked_only_for_runs_that_reach_the_catalog_and_need_them(
    project: Project,
) -> None:
    three_integrations(project)
    project.pytester.makeconftest(FORKS_COUNTED)
    (project.pytester.path / "tests").mkdir()
    (project.pytester.path / "tests" / "test_other.py").write_text("def test_it():\n    pass\n")
    other = project.run("tests", "--check-processes", "2", subprocess=True)
    assert other.result.ret == pytest.ExitCode.OK
    other.result.stdout.fnmatch_lines(["forks: 0"])
    assert not [c for c in other.xml.iter("testcase") if c.get("name") == "seed"]
    # One selected manifest: the summary pass forks two children (nothing summarized the
    # catalog before), the checks two (one is dealt the file), the stage's loads two.
    one = project.run("manifests/core.yaml", "--check-processes", "2", subprocess=True)
    assert one.result.ret == pytest.ExitCode.OK, one.result.stdout.str()
    one.result.stdout.fnmatch_lines(
        ["checks: 1 manifest(s) checked ahead in 1 forked process(es)*", "forks: 6"]
    )
    # Every file's checks run once (the summaries are cached by now): then no child is needed.
    every = project.run("-m", "not seed", "--check-processes", "2", subprocess=True)
    every.result.stdout.fnmatch_lines(["checks: 2 manifest(s) checked ahead in 2 *", "forks: 2"])
    again = project.run("-m", "not seed", "--check-processes", "2", subprocess=True)
    assert again.result.ret == pytest.ExitCode.OK
    again.result.stdout.fnmatch_lines(["checks: 18 passed on unchanged inputs*", "forks: 0"])


def test_collect_only_does_not_list_the_catalog(project: Project) -> None:
    three_integrations(project)
    project.pytester.makeconftest(
        calls_counted("seeding_suite.discovery.catalog", "Catalog.files", "catalog listed")
    )
    result = project.pytester.runpytest_subprocess("--co", "-q", "--check-processes", "2")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["18 tests collected*", "catalog listed: 0"])
