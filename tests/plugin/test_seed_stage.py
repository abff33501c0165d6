"""End to end: checks, the final seed stage and the audit log, plainly and under xdist."""

from __future__ import annotations

import gc
import re

import pytest

from seeding_suite.checks import CHECKS
from tests.support.project import Project, calls_counted, manifest, three_integrations


def test_checks_have_the_documented_node_ids(project: Project) -> None:
    project.write("stripe", manifest("stripe"))
    result = project.pytester.runpytest("--co", "-q")
    result.stdout.fnmatch_lines(
        [
            "manifests/stripe.yaml::parse",
            "manifests/stripe.yaml::schema",
            "manifests/stripe.yaml::references",
            "manifests/stripe.yaml::dependencies",
            "manifests/stripe.yaml::idempotency",
        ]
    )
    assert result.ret == pytest.ExitCode.OK


def test_a_run_leaves_the_garbage_collector_as_it_found_it(project: Project) -> None:
    """The plugin freezes the collected items for the run (plugin/collector.py), in-process too."""
    three_integrations(project)
    before = gc.get_threshold()
    run = project.run()
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_pytests_own_end_of_run_collections_skip_the_frozen_run(project: Project) -> None:
    """pytest collects garbage twice at the end (unraisableexception): the run stays frozen."""
    three_integrations(project)
    project.pytester.makeconftest(
        """
        import gc
        import _pytest.unraisableexception as unraisable

        original = unraisable.gc_collect_harder


        def gc_collect_harder(iterations):
            print(f"pytest collects, the run frozen: {gc.get_freeze_count() > 0}")
            original(iterations)


        unraisable.gc_collect_harder = gc_collect_harder
        """
    )
    run = project.run("-m", "not seed", subprocess=True)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    lines = [line for line in run.result.outlines if line.startswith("pytest collects")]
    assert lines == ["pytest collects, the run frozen: True"] * 2


def test_what_each_batch_wrote_is_frozen_out_of_the_collectors_way(project: Project) -> None:
    three_integrations(project)
    project.pytester.makeconftest(
        calls_counted("seeding_suite.plugin.collector", "CollectorSettings.freeze", "freezes")
    )
    checks_only = project.run("-m", "not seed", "--check-processes", "0", subprocess=True)
    checks_only.result.stdout.fnmatch_lines(["freezes: 1"])  # after collection
    seeded = project.run("--check-processes", "0", subprocess=True)
    assert seeded.result.ret == pytest.ExitCode.OK, seeded.result.stdout.str()
    seeded.result.stdout.fnmatch_lines(["seed: batch 1/1 written", "freezes: 2"])


def test_passing_integrations_are_seeded_and_a_second_run_writes_nothing(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    first = project.run(*mode)
    assert first.result.ret == pytest.ExitCode.OK, first.result.stdout.str()
    assert {i: first.props("seed", i)["action"] for i in ("core", "stripe", "monday")} == {
        "core": "created",
        "stripe": "created",
        "monday": "created",
    }
    props = first.props("seed", "stripe")
    assert props["integration"] == "stripe" and props["version"] == "2.3.0"
    assert props["checksum"].startswith("c1:sha256:")
    assert props["documents_created"] == "5"  # node, manifest, 1 connection, 1 action, 1 trigger
    first.result.stdout.re_match_lines(
        [r"seed: 3 created, 0 updated, 0 unchanged, .*15 documents written"]
    )
    state = project.state()
    assert sorted(state) == ["core", "monday", "stripe"]
    assert state["stripe"]["checksum"] == props["checksum"]

    second = project.run(*mode)
    assert second.result.ret == pytest.ExitCode.OK
    assert {first_case: second.props("seed", first_case)["action"] for first_case in state} == {
        "core": "unchanged",
        "stripe": "unchanged",
        "monday": "unchanged",
    }
    assert second.props("seed", "core")["documents_created"] == "0"
    second.result.stdout.re_match_lines([r".*0 documents written.*"])
    assert project.state() == state


def test_every_check_testcase_carries_integration_version_and_checksum(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    run = project.run(*mode, "-m", "not seed")
    for check in (c.name for c in CHECKS):
        props = run.props(check, "monday")
        assert props["integration"] == "monday" and props["version"] == "0.9.0"
        assert props["checksum"].startswith("c1:sha256:")


def test_a_failing_check_blocks_only_its_own_manifest(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    project.write("monday", manifest("monday", connection="api-kee"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    case = run.cases("references")["monday"]
    failure = case.find("failure")
    assert failure is not None
    assert "manifests/monday.yaml:" in (failure.text or "")
    assert "'api-kee' is not a connection of this manifest (declared: api-key)" in (
        failure.text or ""
    )
    seed = run.cases("seed")["monday"]
    skipped = seed.find("skipped")
    assert skipped is not None and "check references failed" in (skipped.get("message") or "")
    assert run.props("seed", "monday")["action"] == "skipped"
    assert run.props("seed", "stripe")["action"] == "created"
    assert sorted(project.state()) == ["core", "stripe"]


def test_a_dependency_that_fails_its_checks_keeps_the_dependent_out(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    project.write("core", manifest("core", "1.2.0", connection="nope"))
    run = project.run(*mode)
    assert run.props("seed", "core")["action"] == "skipped"
    stripe = run.props("seed", "stripe")
    assert stripe["action"] == "skipped"
    assert stripe["reason"] == "not seeded: check dependencies failed"
    failure = run.cases("dependencies")["stripe"].find("failure")
    assert failure is not None
    assert "depends on 'core', whose manifest (manifests/core.yaml) is not valid" in (
        failure.text or ""
    )
    assert sorted(project.state()) == ["monday"]


def test_validate_only_runs_every_check_and_writes_nothing(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    run = project.run(*mode, "-m", "not seed")
    assert run.result.ret == pytest.ExitCode.OK
    assert run.cases("seed") == {}
    assert len(run.cases("idempotency")) == 3
    assert not (project.pytester.path / ".seeding/local.sqlite3").exists()


def test_editing_a_version_updates_only_that_integration(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    project.run(*mode)
    project.write("monday", manifest("monday", "0.9.1"))
    run = project.run(*mode)
    actions = {i: run.props("seed", i)["action"] for i in ("core", "stripe", "monday")}
    assert actions == {"core": "unchanged", "stripe": "unchanged", "monday": "updated"}
    monday = run.props("seed", "monday")
    assert (monday["documents_updated"], monday["documents_created"]) == ("2", "0")
    assert project.state()["monday"]["version"] == "0.9.1"


def test_reseed_rewrites_only_the_selected_integration(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    project.run(*mode)
    before = project.state()
    run = project.run(*mode, "-m", "reseed", "-k", "stripe")
    assert run.result.ret == pytest.ExitCode.OK
    assert set(run.cases("seed")) == {"stripe"}
    props = run.props("seed", "stripe")
    assert props["action"] == "reseeded" and props["documents_updated"] == "5"
    after = project.state()
    assert after["stripe"]["runId"] != before["stripe"]["runId"]
    assert after["core"] == before["core"] and after["monday"] == before["monday"]


def test_integrations_option_seeds_exactly_those(project: Project, mode: list[str]) -> None:
    three_integrations(project)
    run = project.run(*mode, "--integrations", "core,monday")
    assert run.props("seed", "stripe")["reason"] == "not seeded: not selected by --integrations"
    assert sorted(project.state()) == ["core", "monday"]
    again = project.run(*mode, "--integrations", "stripe")
    assert again.props("seed", "stripe")["action"] == "created"  # core is present in the target


def test_a_parse_error_is_a_failing_item_not_a_collection_error(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    project.write("broken", "manifest_version: 1\nid: [broken\n")
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    assert run.result.parseoutcomes().get("errors", 0) == 0
    failure = run.cases("parse")["broken"].find("failure")
    assert failure is not None and "manifests/broken.yaml:2" in (failure.text or "")
    assert run.cases("schema")["broken"].find("skipped") is not None
    assert sorted(project.state()) == ["core", "monday", "stripe"]


def test_the_audit_log_carries_the_run_and_matches_the_target_record(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    run = project.run(*mode)
    suite = run.suite_props()
    for name in (
        "run_id",
        "environment",
        "target",
        "actor",
        "harness_version",
        "catalog_checksum",
        "started_at",
        "finished_at",
        "created",
        "documents_written",
        "convex_calls",
    ):
        assert name in suite, name
    assert suite["environment"] == "development"
    assert suite["target"].endswith(".seeding/local.sqlite3")
    assert suite["created"] == "3" and suite["documents_written"] == "15"
    runs = {row["runId"] for row in project.state().values()}
    assert runs == {suite["run_id"]}


def test_a_default_audit_log_is_written_under_reports(project: Project) -> None:
    three_integrations(project)
    result = project.pytester.runpytest("-p", "no:cacheprovider")
    logs = sorted((project.pytester.path / "reports").glob("seeding-*.xml"))
    assert len(logs) == 1 and result.ret == pytest.ExitCode.OK


@pytest.mark.parametrize("flag", [["-x"], ["--co"]])
def test_an_aborted_or_collect_only_run_seeds_nothing(project: Project, flag: list[str]) -> None:
    three_integrations(project)
    project.write("broken", "manifest_version: [\n")
    project.run(*flag)
    assert not (project.pytester.path / ".seeding").exists() or project.state() == {}


EDIT_AFTER_CHECKS = """
from pathlib import Path


def pytest_runtest_teardown(item):
    if item.nodeid == "manifests/stripe.yaml::idempotency":
        path = Path(str(item.path))
        path.write_text(path.read_text().replace("The stripe integration.", "Edited."))
"""


def test_a_manifest_edited_after_its_checks_never_reaches_the_target(
    project: Project, mode: list[str]
) -> None:
    """What is seeded is what was checked: the checked content (a plain run still holds it in
    memory) or nothing, with the reason; never the edit."""
    three_integrations(project)
    project.pytester.makeconftest(EDIT_AFTER_CHECKS)
    run = project.run(*mode)
    checked = run.props("parse", "stripe")["checksum"]
    held = project.state().get("stripe")
    if held is not None:
        assert held["checksum"] == checked
        assert run.props("seed", "stripe")["action"] == "created"
    else:  # whether the controller or the engine noticed first, the case says why
        assert run.props("seed", "stripe")["action"] == "skipped"
        # Under xdist another worker may run one of stripe's checks after the edit.
        reason = run.props("seed", "stripe")["reason"]
        assert re.search("the manifest changed (after|while) its checks ran", reason), reason
    assert {i: run.props("seed", i)["action"] for i in ("core", "monday")} == {
        "core": "created",
        "monday": "created",
    }
    assert "Edited." in (project.pytester.path / "manifests" / "stripe.yaml").read_text()


DELETE_AFTER_CHECKS = """
from pathlib import Path


def pytest_runtest_teardown(item):
    if item.nodeid == "manifests/stripe.yaml::idempotency":
        Path(str(item.path)).unlink()
"""


def test_a_manifest_deleted_after_its_checks_does_not_stop_the_others(
    project: Project, mode: list[str]
) -> None:
    three_integrations(project)
    later = [f"zz{n}" for n in range(10)]  # checked after stripe: it leaves the source LRU
    for integration in later:
        project.write(integration, manifest(integration))
    project.pytester.makeconftest(DELETE_AFTER_CHECKS)
    run = project.run(*mode)
    assert run.props("seed", "stripe")["action"] == "skipped"
    assert "could not be reloaded" in run.props("seed", "stripe")["reason"]
    others = ("core", "monday", *later)
    assert {i: run.props("seed", i)["action"] for i in others} == dict.fromkeys(others, "created")
    assert "stripe" not in project.state()


def test_a_broken_copy_of_a_manifest_takes_nothing_down(project: Project, mode: list[str]) -> None:
    # A stale copy that still says `id: core` fails its own schema check (its stem is not its
    # id), and so does `Core.yaml`: neither claims the id, so the good core and everything
    # that depends on it are seeded; only the broken files fail, each on its own.
    three_integrations(project)
    project.write("core-old", manifest("core", "1.1.0"))
    project.write("Core", manifest("core", "1.2.0"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    failed = sorted(
        f"{tc.get('classname')}::{tc.get('name')}"
        for tc in run.xml.iter("testcase")
        if tc.find("failure") is not None
    )
    assert failed == ["manifests.Core.yaml::schema", "manifests.core-old.yaml::schema"]
    assert "defined by" not in run.result.stdout.str()
    assert sorted(project.state()) == ["core", "monday", "stripe"]
