"""The embedded store's writer lock names its holder; readers beside the writer never write."""

from __future__ import annotations

import os
import shlex
import sqlite3
import sys
from pathlib import Path

import pytest

from fakes.convex import StoreReadOnly
from seeding_suite import remote
from seeding_suite.targets.local import seeding_deployment
from seeding_suite.targets.open import open_store
from seeding_suite.targets.store_lock import StoreBusy, StoreLock, current_holder, lock_path


def test_a_second_writer_is_refused_with_the_holder_pid_command_and_start(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    held = open_store(db, holder="ops-console", wait_seconds=0)
    try:
        with pytest.raises(StoreBusy) as refused:
            StoreLock(db, "second", wait_seconds=0, poll_seconds=0.01)
        message = str(refused.value)
        assert f"is in use by ops-console (pid {os.getpid()}, since 20" in message
        assert f": {shlex.join(sys.orig_argv)[:300]}); waited 0 s" in message  # its command
        assert current_holder(db) == message.split("in use by ")[1].split("; waited")[0]
    finally:
        held.close()
    assert current_holder(db) is None
    StoreLock(db, "second", wait_seconds=0).release()  # free once the holder closed


def test_a_lock_file_from_before_holders_were_recorded_is_shown_as_it_is(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    held = StoreLock(db, "old", wait_seconds=0)
    try:
        lock_path(db).write_text("old-runner (pid 7)\n", encoding="utf-8")
        with pytest.raises(StoreBusy, match=r"in use by old-runner \(pid 7\)"):
            StoreLock(db, "new", wait_seconds=0, poll_seconds=0.01)
    finally:
        held.release()


def conflicts(run_id: str) -> dict[str, object]:
    row = {
        "runId": run_id,
        "integration": "stripe",
        "type": "downgrade",
        "currentVersion": "2.0.0",
        "newVersion": "1.9.0",
        "currentChecksum": "c1:sha256:s2",
        "newChecksum": "c1:sha256:s19",
        "resolution": "blocked",
    }
    return {"conflicts": [row]}


def test_a_reader_beside_the_writer_sees_its_commits_and_cannot_write(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite3"
    writer = open_store(db, holder="writer", wait_seconds=0)
    try:
        writer.mutation(remote.RECORD_CONFLICTS, conflicts("run-1"))
        reader = seeding_deployment(db, read_only=True)
        listed = reader.query(remote.LIST_CONFLICTS, {"limit": 10, "integration": None})
        assert [c["runId"] for c in listed] == ["run-1"]  # type: ignore[index,union-attr]
        with pytest.raises(StoreReadOnly, match="open read-only; nothing was written"):
            reader.mutation(remote.RECORD_CONFLICTS, conflicts("run-2"))
        reader.close()
    finally:
        writer.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (1,)
