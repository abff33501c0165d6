"""The run record counts what the PRD's seeding_logs counts: documents created, updated and
deleted per table (actions, triggers, connections, ...), and the errors the run saw."""

from __future__ import annotations

from typing import Any

from engine_builders import build

from seeding_suite import remote
from seeding_suite.engine.seeder import Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, V2, run


def record(target: LocalTarget, run_id: str) -> dict[str, Any]:
    found = target.query(remote.GET_RUN, {"runId": run_id})
    assert found is not None
    return dict(found)


def per_table(run_record: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        row["table"]: (int(row["created"]), int(row["updated"]), int(row["deleted"]))
        for row in run_record["documents"]
    }


def test_a_run_records_documents_created_updated_and_deleted_per_table() -> None:
    target = LocalTarget(seeding_deployment())
    Seeder(target).seed(V1, run("run-1"))
    first = record(target, "run-1")
    assert [row["table"] for row in first["documents"]] == list(remote.SEEDED_TABLES)
    assert per_table(first)["integrations"] == (3, 0, 0)
    assert per_table(first)["actions"] == (9, 0, 0)  # 3 + 2 + 4 actions
    assert per_table(first)["connections"] == (0, 0, 0)
    assert first["errors"] == [] and "errorsOmitted" not in first
    Seeder(target).seed(V2, run("run-2"))
    second = per_table(record(target, "run-2"))
    # core: 2 actions rewritten, a2 gone; stripe: 4 rewritten, one new; monday: new with one
    assert second["actions"] == (2, 6, 1)
    assert second["integrations"] == (1, 2, 0)
    written = sum(sum(row) for row in second.values())
    assert written == record(target, "run-2")["counts"]["documentsWritten"]
    Seeder(target).seed(V2, run("run-3"))
    assert set(per_table(record(target, "run-3")).values()) == {(0, 0, 0)}


def test_failures_and_run_wide_problems_are_the_errors_list() -> None:
    target = LocalTarget(seeding_deployment())
    Seeder(target).seed(V1, run("run-1"))
    downgrade = [build("core", "0.9.0", actions=3)]
    options = SeedOptions(prune=True, keep=frozenset({"core"}))
    Seeder(target).seed(downgrade, run("run-2"), options)
    errors = record(target, "run-2")["errors"]
    assert errors[0]["integration"] == "core"
    assert errors[0]["message"].startswith("version conflict: core 0.9.0 is older than")
    assert [e["integration"] for e in errors] == ["core", "http", "stripe", None]
    assert errors[-1]["message"].startswith("prune refused: it would delete")


def test_errors_beyond_the_cap_are_counted_not_stored_and_messages_are_clipped() -> None:
    target = LocalTarget(seeding_deployment())
    many = [build(f"i{n:03d}", "2.0.0", actions=0) for n in range(remote.MAX_RUN_ERRORS + 7)]
    Seeder(target).seed(many, run("run-1"))
    older = [build(d.id, "1.0.0", actions=0) for d in many]
    Seeder(target).seed(older, run("run-2"))
    second = record(target, "run-2")
    assert len(second["errors"]) == remote.MAX_RUN_ERRORS
    assert second["errorsOmitted"] == 7
    assert second["errors"][0]["integration"] == "i000"
    report = Seeder(target).run(older[:1], run("run-3"))
    report.results["i000"].message = "x" * (remote.MAX_ERROR_CHARS * 3)
    (clipped,), _ = report.errors()
    assert len(clipped["message"]) == remote.MAX_ERROR_CHARS
    assert clipped["message"].endswith("\u2026")
