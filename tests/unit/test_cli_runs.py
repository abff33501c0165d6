"""`seeding-suite runs` and `seeding-suite rollback` on the embedded target."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from seeding_suite.cli import main
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.seeder import Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, V2, run
from tests.unit.engine.engine_builders import build

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "local.sqlite3"
    target = LocalTarget(seeding_deployment(path))
    GuardedSeeder(target).seed(V1, run("run-1"))
    GuardedSeeder(target).seed(V2, run("run-2"))
    target.close()
    return path


def output(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> str:
    capsys.readouterr()
    assert main(list(argv)) == code
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_runs_lists_environment_actor_status_and_counts_newest_first(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = json.loads(output(capsys, "runs", "--json", "--db", str(db)))
    assert [r["runId"] for r in runs] == ["run-2", "run-1"]
    assert (runs[1]["environment"], runs[1]["actor"], runs[1]["status"]) == (
        "development",
        "tester",
        "succeeded",
    )
    assert runs[1]["counts"]["created"] == 3
    text = output(capsys, "runs", "--db", str(db), "--limit", "1")
    assert "run-2" in text and "run-1" not in text and "1 run(s)" in text
    assert "1 created, 2 updated, 1 unchanged" in text


def test_rollback_plan_writes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = db.read_bytes()
    text = output(capsys, "rollback", "run-2", "--plan", "--db", str(db))
    assert "undo run run-2 (development, by tester): restore" in text
    assert db.read_bytes() == before
    plan = json.loads(output(capsys, "rollback", "run-2", "--plan", "--json", "--db", str(db)))
    assert plan["plan"]["runs"][0]["runId"] == "run-2" and "rollbackRuns" not in plan


def test_rollback_refuses_plainly_when_a_later_run_touched_the_documents(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = LocalTarget(seeding_deployment(db))
    GuardedSeeder(target).seed([*V2[:3], build("monday", "0.2.0", label="#")], run("run-3"))
    target.close()
    text = output(capsys, "rollback", "run-2", "--db", str(db), code=2)
    assert text.startswith("seeding-suite: later runs changed")
    assert "written by run run-3" in text and "--force" in text
    assert "Traceback" not in text
    forced = output(capsys, "rollback", "run-2", "--force", "--db", str(db))
    assert "rolled back run run-2" in forced
    runs = json.loads(output(capsys, "runs", "--json", "--db", str(db)))
    statuses = {r["runId"]: r for r in runs}
    assert statuses["run-2"]["rolledBackBy"] == runs[0]["runId"]
    assert runs[0]["rollbackOf"] == "run-2"
    assert "rolled back by" in output(capsys, "runs", "--db", str(db))


def test_rollback_to_undoes_every_later_run(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = json.loads(output(capsys, "rollback", "--to", "run-1", "--json", "--db", str(db)))
    assert [r["undid"] for r in result["rollbackRuns"]] == ["run-2"]
    assert output(capsys, "rollback", "--db", str(db), code=2).startswith(
        "seeding-suite: name exactly one run"
    )


def test_rollback_plan_names_integrations_versions_and_documents(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = output(capsys, "rollback", "run-2", "--plan", "--db", str(db))
    lines = text.splitlines()
    assert lines[0].startswith("undo run run-2 (development, by tester): restore ")
    assert "  core: back to 1.0.0" in lines
    assert "  monday: removed (the run created it)" in lines
    assert "    - integrations monday" in lines and "    + actions core/a2" in lines
    assert "    ~ integrations core" in lines
    plan = json.loads(output(capsys, "rollback", "run-2", "--plan", "--json", "--db", str(db)))
    step = plan["plan"]["runs"][0]
    assert step["integrations"]["monday"] is None and step["integrations"]["core"] == "1.0.0"
    assert {"symbol": "-", "table": "integrations", "natural_key": "monday"} in step["restores"]
    assert type(step["documents"]) is int and step["documents"] == len(step["restores"])


def test_a_later_run_that_rewrote_the_same_content_is_no_conflict(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """run-3 reseeds V2 unchanged: same checksums, another run id; nothing of it is lost."""
    target = LocalTarget(seeding_deployment(db))
    GuardedSeeder(target).seed(V2, run("run-3"), SeedOptions(reseed=frozenset(d.id for d in V2)))
    target.close()
    text = output(capsys, "rollback", "run-2", "--plan", "--db", str(db))
    assert "conflict" not in text and "refused" not in text
    done = output(capsys, "rollback", "run-2", "--db", str(db))
    assert "rolled back run run-2" in done
    state = LocalTarget(seeding_deployment(db))
    versions = Seeder(state).read_state().versions
    state.close()
    assert versions == {"core": "1.0.0", "http": "2.0.0", "stripe": "3.1.0"}


def test_runs_show_documents_per_table_and_the_errors_of_a_run(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = LocalTarget(seeding_deployment(db))
    Seeder(target).seed([build("core", "0.1.0")], run("run-3"))  # a downgrade: blocked
    target.close()
    text = output(capsys, "runs", "--db", str(db), "--limit", "3")
    error = "    error [core]: version conflict: core 0.1.0 is older than the seeded 1.1.0"
    assert text.splitlines()[2].startswith(error)
    assert "    documents: integrations 1 created, 2 updated, 0 deleted; " in text
    runs = json.loads(output(capsys, "runs", "--json", "--db", str(db)))
    assert runs[0]["errors"][0]["integration"] == "core"
    tables = {row["table"]: row for row in runs[1]["documents"]}
    assert tables["actions"] == {"table": "actions", "created": 2, "updated": 6, "deleted": 1}
    assert isinstance(tables["actions"]["created"], int)


def test_conflicts_lists_version_and_dependency_conflicts_newest_first(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = LocalTarget(seeding_deployment(db))
    Seeder(target).seed([build("core", "0.1.0")], run("run-3"))
    Seeder(target).seed([build("orphan", deps=(("absent", "^1.0.0"),))], run("run-4"))
    target.close()
    lines = output(capsys, "conflicts", "--db", str(db)).splitlines()
    head, when = lines[0].split()[:8], " ".join(lines[0].split()[8:])
    assert head == ["run-4", "orphan", "dependency", "-", "->", "1.0.0", "skip", "at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", when)
    assert (
        lines[1] == "    dependency absent is not seeded in this run and not present in the target"
    )
    assert lines[2].split()[:7] == ["run-3", "core", "downgrade", "1.1.0", "->", "0.1.0", "blocked"]
    assert lines[-1] == "2 conflict(s)"
    rows = json.loads(
        output(capsys, "conflicts", "--json", "--integration", "core", "--db", str(db))
    )
    assert [(r["integration"], r["type"], r["resolvedAt"]) for r in rows] == [
        ("core", "downgrade", None)
    ]
    with pytest.raises(SystemExit):
        main(["conflicts", "--db", str(db), "--limit", "0"])
    assert "expected a whole number from 1 to 1000" in capsys.readouterr().err
