"""--plan, --apply-plan, version conflicts and --prune, end to end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from seeding_suite import remote
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.plugin.test_environments import edit_by_hand
from tests.support.project import Project, manifest


def db_digest(project: Project) -> str:
    return hashlib.sha256(
        (project.pytester.path / ".seeding/local.sqlite3").read_bytes()
    ).hexdigest()


def three(project: Project, monday: str = "1.0.0") -> None:
    project.write("core", manifest("core", "1.0.0"))
    project.write("stripe", manifest("stripe", "2.0.0"))
    project.write("monday", manifest("monday", monday))


def test_plan_prints_the_diff_records_it_and_writes_nothing(
    project: Project, mode: list[str]
) -> None:
    three(project)
    project.run(*mode)
    three(project, monday="1.1.0")
    project.write("monday", manifest("monday", "1.1.0").replace("Do a thing", "Do the thing"))
    before = db_digest(project)
    run = project.run(*mode, "--plan", "-v")
    assert run.result.ret == pytest.ExitCode.OK
    run.result.stdout.fnmatch_lines(
        [
            "= core 1.0.0 (0 to create, 0 to update, 0 to delete, 5 unchanged)",
            "~ monday 1.0.0 -> 1.1.0 (0 to create, 3 to update, 0 to delete, 2 unchanged)",
            "    ~ integrations monday (version)",
            '        version: "1.0.0" -> "1.1.0"',
            "    ~ manifests monday (manifestJson, version)",
            "        manifestJson: ...*Do a thing*... -> ...*Do the thing*...",
            '        version: "1.0.0" -> "1.1.0"',
            "    ~ actions monday/do-thing (name)",
            '        name: "Do a thing" -> "Do the thing"',
            "= stripe 2.0.0 *",
            "Plan: 0 to create, 1 to update, 0 to delete, 2 unchanged.",
        ]
    )
    assert db_digest(project) == before
    assert run.props("seed", "monday")["action"] == "updated"
    assert run.props("seed", "monday")["plan"] == "true"
    suite = run.suite_props()
    assert suite["mode"] == "plan" and "~ monday 1.0.0 -> 1.1.0" in suite["plan"]


def test_the_default_plan_lists_deletions_first_hides_unchanged_and_colours_on_a_terminal(
    project: Project, mode: list[str]
) -> None:
    three(project)
    project.write("gone", manifest("gone", "0.1.0"))
    project.run(*mode)
    (project.pytester.path / "manifests" / "gone.yaml").unlink()
    project.write("monday", manifest("monday", "1.1.0").replace("Do a thing", "Do the thing"))
    plan = project.pytester.path / "plan.json"
    run = project.run(*mode, "--plan", "--prune", "--color=no", f"--plan-json={plan}")
    out = run.result.stdout.str()
    summary = out[out.index("- seeding-suite -") :]
    assert "= core" not in summary and "= stripe" not in summary
    assert summary.index("- gone 0.1.0") < summary.index("~ monday 1.0.0 -> 1.1.0")
    run.result.stdout.fnmatch_lines(
        [
            "(2 unchanged integration(s) not listed; -v lists them)",
            "Plan: 0 to create, 1 to update, 1 to delete, 2 unchanged.",
        ]
    )
    assert "\x1b[" not in out
    monday = next(i for i in json.loads(plan.read_text())["integrations"] if i["id"] == "monday")
    action = next(c for c in monday["changes"] if c["table"] == "actions")
    assert action["values"] == [{"field": "name", "old": "Do a thing", "new": "Do the thing"}]
    junit = (project.pytester.path / "audit.xml").read_text()
    assert "\x1b[" not in junit and "&#27;" not in junit and "- gone 0.1.0" in junit
    coloured = project.run(*mode, "--plan", "--prune", "--color=yes").result.stdout.str()
    for colour, line in (("31", "- gone 0.1.0"), ("33", "~ monday 1.0.0"), ("31", "    - actions")):
        assert f"\x1b[{colour}m{line}" in coloured


def test_plan_on_an_empty_target_creates_no_store(project: Project) -> None:
    three(project)
    run = project.run("--plan")
    run.result.stdout.fnmatch_lines(["+ core 1.0.0 (5 to create, *", "Plan: 3 to create, *"])
    assert not (project.pytester.path / ".seeding/local.sqlite3").exists()


def test_apply_plan_applies_exactly_the_plan_or_fails_if_the_target_moved(project: Project) -> None:
    three(project)
    plan = project.pytester.path / "plan.json"
    project.run("--plan", "--plan-json", str(plan))
    document = json.loads(plan.read_text())
    assert [i["symbol"] for i in document["integrations"]] == ["+", "+", "+"]
    applied = project.run("--apply-plan", str(plan))
    assert applied.result.ret == pytest.ExitCode.OK
    assert sorted(project.state()) == ["core", "monday", "stripe"]

    three(project, monday="1.2.0")
    project.run("--plan", "--plan-json", str(plan))
    edit_by_hand(project.pytester.path / ".seeding/local.sqlite3", "monday/do-thing")  # it moves
    moved = project.run("--apply-plan", str(plan))
    assert moved.result.ret == pytest.ExitCode.TESTS_FAILED
    error = moved.cases("seed")["monday"].find("error")
    assert error is not None and "changed since the plan was made (monday)" in (
        error.get("message") or ""
    )
    assert project.state()["monday"]["version"] == "1.0.0"


def conflicts(project: Project) -> list[dict[str, object]]:
    target = LocalTarget(seeding_deployment(project.pytester.path / ".seeding/local.sqlite3"))
    try:
        rows: list[dict[str, object]] = target.query(
            remote.LIST_CONFLICTS, {"integration": None, "limit": 100}
        )
        return rows
    finally:
        target.close()


def test_a_downgrade_is_a_failing_recorded_conflict_until_allowed(
    project: Project, mode: list[str]
) -> None:
    project.write("stripe", manifest("stripe", "2.0.0"))
    project.run(*mode)
    project.write("stripe", manifest("stripe", "1.9.0"))
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    failure = run.cases("seed")["stripe"].find("failure")
    assert failure is not None
    assert "1.9.0 is older than the seeded 2.0.0 (a downgrade)" in (failure.get("message") or "")
    assert [(c["type"], c["resolution"]) for c in conflicts(project)] == [("downgrade", "blocked")]
    assert project.state()["stripe"]["version"] == "2.0.0"
    allowed = project.run(*mode, "--allow-downgrade")
    assert allowed.props("seed", "stripe")["action"] == "updated"
    assert project.state()["stripe"]["version"] == "1.9.0"
    assert conflicts(project)[0]["resolution"] == "allow_downgrade"


def test_a_release_changed_without_a_version_bump_needs_force(project: Project) -> None:
    project.write("stripe", manifest("stripe", "2.0.0"))
    project.run()
    project.write("stripe", manifest("stripe", "2.0.0").replace("Do a thing", "Do another thing"))
    run = project.run()
    failure = run.cases("seed")["stripe"].find("failure")
    assert failure is not None and "changed without a version bump" in (
        failure.get("message") or ""
    )
    assert project.run("--force").props("seed", "stripe")["action"] == "updated"
    assert [c["type"] for c in conflicts(project)] == [
        "same_version_changed",
        "same_version_changed",
    ]


def test_prune_deletes_only_what_the_catalog_dropped_and_plans_it_first(
    project: Project, mode: list[str]
) -> None:
    three(project)
    project.run(*mode)
    (project.pytester.path / "manifests" / "monday.yaml").unlink()
    kept = project.run(*mode)
    assert "monday" in project.state() and "monday" not in kept.cases("seed")
    planned = project.run(*mode, "--prune", "--plan")
    planned.result.stdout.fnmatch_lines(
        ["- monday 1.0.0 (0 to create, 0 to update, 5 to delete, *"]
    )
    assert "monday" in project.state()
    pruned = project.run(*mode, "--prune")
    assert pruned.props("seed", "monday")["action"] == "deleted"
    assert pruned.props("seed", "monday")["documents_deleted"] == "5"
    assert sorted(project.state()) == ["core", "stripe"]


def test_prune_never_deletes_an_integration_whose_manifest_is_merely_broken(
    project: Project,
) -> None:
    three(project)
    project.run()
    project.write("monday", "manifest_version: 1\nid: monday\n")  # broken, not removed
    project.run("--prune")
    assert "monday" in project.state()


def test_plan_json_needs_plan(project: Project) -> None:
    three(project)
    result = project.pytester.runpytest("--plan-json", str(Path("x.json")))
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_one_id_in_two_roots_is_a_catalog_conflict_naming_both_files(project: Project) -> None:
    for root in ("team-a", "team-b"):
        (project.pytester.path / root).mkdir()
        (project.pytester.path / root / "stripe.yaml").write_text(
            manifest("stripe"), encoding="utf-8"
        )
    run = project.run("team-a", "team-b", "--manifest-root", "team-a", "--manifest-root", "team-b")
    failures = [
        tc.find("failure")
        for tc in run.xml.iter("testcase")
        if tc.get("name") == "dependencies" and tc.find("failure") is not None
    ]
    texts = sorted(f.text or "" for f in failures if f is not None)
    assert len(texts) == 2
    # Two manifest roots are two official sources: each file's failure names both (on_conflict).
    both = "id 'stripe' is given by 2 sources: team-a (team-a/stripe.yaml), team-b (team-b/stripe"
    assert all(both in text for text in texts)
    assert project.state() == {}
