"""The twin's applyBatch: upsert, delete and restore ops, each write with its ledger row.

The ledger row (the document as it was, and the stamp the write left) is inserted in the same
transaction as the write it describes, so a batch either changes data and ledger together or
neither; see remote.py, "Ledger".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.convex import ConvexError
from seeding_suite import remote
from seeding_suite.targets.twin_lease import require_lease
from seeding_suite.targets.twin_rules import (
    canonical_doc,
    find_one,
    invalid,
    lookup,
    page_after,
    seeded_table,
    user_fields,
)

if TYPE_CHECKING:
    from fakes.convex import Clock

DOC_KEYS = ("naturalKey", "integration", "checksum")
_UPSERT_FIELDS = {t: frozenset((*DOC_KEYS, *fields)) for t, fields in remote.SEEDED_TABLES.items()}
"""Each seeded table's upsert `doc` fields (a restored doc adds runId), built once per process."""


def _stamp(doc: dict[str, Any] | None) -> dict[str, str] | None:
    return None if doc is None else {"checksum": doc["checksum"], "runId": doc["runId"]}


class _Batch:
    """One applyBatch call: the run it writes for and its next ledger sequence number."""

    def __init__(self, ctx: Any, run_id: str, batch_id: str) -> None:
        self.ctx = ctx
        self.run_id = run_id
        self.batch_id = batch_id
        self._seq: float | None = None

    def _next_seq(self) -> float:
        if self._seq is None:
            last = (
                self.ctx.db.query(remote.LEDGER_TABLE)
                .with_index("by_run_seq", lambda q: q.eq("runId", self.run_id))
                .order("desc")
                .first()
            )
            self._seq = 0.0 if last is None else last["seq"] + 1
        else:
            self._seq += 1
        return self._seq

    def log(
        self, table: str, key: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        some = after if before is None else before
        assert some is not None
        self.ctx.db.insert(
            remote.LEDGER_TABLE,
            {
                "runId": self.run_id,
                "batchId": self.batch_id,
                "seq": self._next_seq(),
                "table": table,
                "naturalKey": key,
                "integration": some["integration"],
                "before": None if before is None else canonical_doc(before),
                "after": _stamp(after),
            },
        )

    def write(
        self, table: str, key: str, current: dict[str, Any] | None, doc: dict[str, Any] | None
    ) -> str:
        """Make the stored document `doc` (None: absent), log it, and name the outcome."""
        if doc is None:
            assert current is not None
            self.ctx.db.delete(current["_id"])
            outcome = "deleted"
        elif current is None:
            self.ctx.db.insert(table, doc)
            outcome = "created"
        else:
            self.ctx.db.replace(current["_id"], doc)
            outcome = "updated"
        self.log(table, key, None if current is None else user_fields(current), doc)
        return outcome


def apply_batch(ctx: Any, args: dict[str, Any], *, clock: Clock) -> dict[str, Any]:
    if "lock" in args:
        require_lease(ctx, args["lock"], clock.now_ms())
    done = find_one(ctx, remote.BATCHES_TABLE, "by_batch_id", "batchId", args["batchId"])
    if done is not None:
        return {"outcomes": done["outcomes"], "replayed": True}
    batch = _Batch(ctx, args["runId"], args["batchId"])
    outcomes = [_apply_op(batch, op) for op in args["ops"]]
    ctx.db.insert(
        remote.BATCHES_TABLE,
        {"runId": args["runId"], "batchId": args["batchId"], "outcomes": outcomes},
    )
    return {"outcomes": outcomes, "replayed": False}


def _apply_op(batch: _Batch, op: dict[str, Any]) -> str:
    table = seeded_table(op.get("table"))
    key = op["naturalKey"]
    if op["kind"] != "delete":
        _check_doc(table, op)
    current = lookup(batch.ctx, table, key)
    if op["kind"] == "restore":
        return _restore(batch, table, op, current)
    actual = None if current is None else current["checksum"]
    if op["kind"] == "delete":
        if current is None:
            return "unchanged"
        _precondition(table, key, op["expected"], actual)
        return batch.write(table, key, current, None)
    doc = op["doc"]
    if actual == doc.get("checksum") and not op["force"]:
        return "unchanged"
    _precondition(table, key, op["expected"], actual)
    return batch.write(table, key, current, {**doc, "runId": batch.run_id})


def _restore(batch: _Batch, table: str, op: dict[str, Any], current: dict[str, Any] | None) -> str:
    actual = _stamp(current)
    if actual == _stamp(op["doc"]):
        return "unchanged"
    if not op["force"]:
        _precondition(table, op["naturalKey"], op["expected"], actual)
    return batch.write(table, op["naturalKey"], current, op["doc"])


def _check_doc(table: str, op: dict[str, Any]) -> None:
    """The args validator admits any seeded table's shape; the doc must be the op's table's."""
    doc = op["doc"]
    if doc is None:
        return
    expected = (
        _UPSERT_FIELDS[table] | {"runId"} if op["kind"] == "restore" else _UPSERT_FIELDS[table]
    )
    if doc.keys() != expected:
        raise invalid(f'doc fields are not those of table "{table}"')
    if doc["naturalKey"] != op["naturalKey"]:
        raise invalid(f'doc naturalKey "{doc["naturalKey"]}" differs from op "{op["naturalKey"]}"')


def _precondition(table: str, key: str, expected: object, actual: object) -> None:
    if expected != actual:
        raise ConvexError(
            {
                "code": remote.PRECONDITION_FAILED,
                "table": table,
                "naturalKey": key,
                "expected": expected,
                "actual": actual,
            }
        )


def read_ledger(ctx: Any, args: dict[str, Any]) -> dict[str, Any]:
    prefix = ("runId", args["runId"])
    entries, after = page_after(ctx, args, remote.LEDGER_TABLE, "by_run_seq", prefix, "seq")
    return {"entries": entries, "next": after}
