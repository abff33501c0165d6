"""Issue 18 item 5 end to end: a seed run records the PRD's tables in the target: every
manifest it saw with its status (seeded or why not), dependency and duplicate conflicts, and
the run's counts per table and errors; plainly and under xdist alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from seeding_suite import remote
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import PYPROJECT, manifest

if TYPE_CHECKING:
    from tests.support.project import Project

DEPS = """
  - id: core
    version: "^1.0.0"
"""


def tables(project: Project) -> dict[str, Any]:
    target = LocalTarget(seeding_deployment(project.pytester.path / ".seeding/local.sqlite3"))
    try:
        args = {"environment": "development", "after": None, "limit": 100}
        statuses = target.query(remote.LIST_MANIFEST_STATUSES, args)["statuses"]
        conflicts = target.query(remote.LIST_CONFLICTS, {"integration": None, "limit": 100})
        runs = target.query(remote.LIST_RUNS, {"limit": 10})
    finally:
        target.close()
    return {
        "statuses": {row["integration"]: row for row in statuses},
        "conflicts": conflicts,
        "runs": runs,
    }


def catalog(project: Project) -> None:
    """core, http (needs core), a broken file, and stripe given by two roots."""
    extra = 'on_conflict = "highest-version"\n'
    roots = PYPROJECT.replace('["manifests"]', '["manifests", "team-b"]')
    project.pytester.makefile(".toml", pyproject=roots + extra)
    project.write("core", manifest("core"))
    project.write("http", manifest("http", deps=DEPS))
    project.write("broken", manifest("broken", "1.x"))
    project.write("stripe", manifest("stripe", "1.0.0"))
    (project.pytester.path / "team-b").mkdir()
    (project.pytester.path / "team-b" / "stripe.yaml").write_text(manifest("stripe", "2.0.0"))


def test_a_run_records_statuses_conflicts_and_its_counts(project: Project, mode: list[str]) -> None:
    catalog(project)
    first = project.run(*mode, "manifests", "team-b", "--integrations=http,stripe")
    assert first.result.ret == pytest.ExitCode.TESTS_FAILED  # http asked for, not seeded
    found = tables(project)
    statuses = {i: (r["status"], r["file"], r["version"]) for i, r in found["statuses"].items()}
    assert statuses == {
        "broken": ("error", "manifests/broken.yaml", None),
        "core": ("validated", "manifests/core.yaml", "1.0.0"),
        "http": ("validated", "manifests/http.yaml", "1.0.0"),
        "stripe": ("seeded", "team-b/stripe.yaml", "2.0.0"),
    }
    assert found["statuses"]["core"]["reason"] == "not seeded: not selected by --integrations"
    assert "dependency core is not seeded in this run" in found["statuses"]["http"]["reason"]
    assert found["statuses"]["broken"]["reason"].startswith("not seeded: check schema failed")
    kinds = sorted((c["integration"], c["type"], c["resolution"]) for c in found["conflicts"])
    assert kinds == [("http", "dependency", "skip"), ("stripe", "duplicate", "skip")]
    [record] = found["runs"]
    documents = {row["table"]: row["created"] for row in record["documents"]}
    assert (documents["integrations"], documents["actions"], documents["triggers"]) == (1, 1, 1)
    assert documents["connections"] == 1
    [error] = record["errors"]
    assert error["integration"] == "broken"
    assert error["message"].startswith("not seeded: check schema failed")

    second = project.run(*mode, "manifests", "team-b")
    assert second.result.ret == pytest.ExitCode.TESTS_FAILED  # broken still fails its check
    again = tables(project)
    assert {i: r["status"] for i, r in again["statuses"].items()} == {
        "broken": "error",
        "core": "seeded",
        "http": "seeded",
        "stripe": "seeded",
    }
    newest = again["runs"][0]["runId"]
    assert again["statuses"]["stripe"]["runId"] == record["runId"]  # unchanged: not rewritten
    assert again["statuses"]["core"]["runId"] == newest
