"""The vectors are a real check of the fake: break one of its rules and some vector fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes.convex import FunctionFailure
from fakes.convex.query import IndexRangeBuilder
from fakes.convex.transaction import Transaction
from seeding_suite.targets import twin_apply, twin_manifests, twin_usage
from tests.contract.test_vectors import VECTORS, check_step, rows, vector_deployment


def vectors_failing() -> list[str]:
    failing = []
    for path in VECTORS:
        vector = json.loads(path.read_text(encoding="utf-8"))
        fake, clock = vector_deployment()
        try:
            for number, step in enumerate(vector["steps"], start=1):
                check_step(fake, step, f"{path.stem} step {number}", clock)
            for table, expected in vector["expectTables"].items():
                assert rows(fake, table) == expected
        except (AssertionError, pytest.fail.Exception, FunctionFailure):
            failing.append(Path(path).stem)
    return failing


def test_the_correct_fake_passes_every_vector() -> None:
    assert vectors_failing() == []


def test_a_fake_that_keeps_writes_of_a_failed_mutation_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Transaction, "rollback", lambda self: None)
    assert "precondition-failure-rolls-back-whole-batch" in vectors_failing()


def test_a_fake_whose_gt_includes_the_bound_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(IndexRangeBuilder, "gt", IndexRangeBuilder.gte)
    assert "read-state-pages-in-natural-key-order" in vectors_failing()


def test_a_twin_that_keeps_no_ledger_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twin_apply._Batch, "log", lambda *args: None)
    assert {"ledger-records-pre-images", "restore-puts-back-exactly"} <= set(vectors_failing())


def test_a_twin_that_ignores_the_lease_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twin_apply, "require_lease", lambda *args: None)
    assert "apply-batch-requires-the-lease-when-given" in vectors_failing()


def test_a_twin_whose_restore_ignores_the_run_id_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        twin_apply, "_stamp", lambda doc: None if doc is None else {"checksum": doc["checksum"]}
    )
    assert "restore-precondition-and-force" in vectors_failing()


def test_a_twin_that_writes_every_use_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twin_usage, "find_one", lambda *args: None)
    assert "usage-marks-once-per-day" in vectors_failing()


def test_a_twin_that_rewrites_unchanged_statuses_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(twin_manifests, "COMPARED", ("runId",))
    assert "manifest-statuses-record-changes-and-list" in vectors_failing()
