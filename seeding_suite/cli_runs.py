"""`seeding-suite runs`, `conflicts` and `rollback`: the run history, what runs met, undoing runs.

Thin commands over engine/rollback.py and engine/guarded.py; cli.py registers them with the
target options every command shares.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite import __version__
from seeding_suite.argtypes import bounded_int, seconds
from seeding_suite.commands.listing import print_listing
from seeding_suite.engine.rollback import RUNS_LIMIT
from seeding_suite.settings import actor, new_run_id, target_settings

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from seeding_suite.targets.base import ConvexTarget


def _open(
    args: argparse.Namespace, *, read_only: bool, wait_seconds: float = 120.0
) -> ConvexTarget:
    from seeding_suite.targets.open import open_target, require_store

    settings = require_store(target_settings(url=args.convex_url, db=args.db, rootdir=Path.cwd()))
    holder = f"seeding-suite {args.command}"
    return open_target(settings, read_only=read_only, holder=holder, wait_seconds=wait_seconds)


def _when(ms: object) -> str:
    if not isinstance(ms, int | float):
        return "-"
    return datetime.fromtimestamp(ms / 1000.0, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _status(run: dict[str, Any]) -> str:
    if run["status"] == "abandoned":
        ledger = run["ledger"]
        expired = run.get("leaseExpiredAt")
        return (
            f"abandoned (its lease {'expired ' + _when(expired) if expired else 'has expired'};"
            f" its ledger holds {ledger['documentsWritten']} write(s): "
            f"{ledger['documentsCreated']} created, {ledger['documentsUpdated']} updated, "
            f"{ledger['documentsDeleted']} deleted, in {ledger['integrations']} integration(s))"
        )
    if run.get("rolledBackBy"):
        return f"{run['status']}, rolled back by {run['rolledBackBy']}"
    if run.get("rollbackOf"):
        return f"{run['status']} (rollback of {run['rollbackOf']})"
    return str(run["status"])


def _details(run: dict[str, Any]) -> list[str]:
    """The PRD's seeding_logs detail of a run: documents per table, then its errors."""
    written = [
        f"{row['table']} " + ", ".join(f"{row[k]} {k}" for k in ("created", "updated", "deleted"))
        for row in run.get("documents", ())
        if row["created"] or row["updated"] or row["deleted"]
    ]
    lines = [f"    documents: {'; '.join(written)}"] if written else []
    for error in run.get("errors", ()):
        where = error["integration"] or "run"
        lines.append(f"    error [{where}]: {error['message'].splitlines()[0]}")
    if run.get("errorsOmitted"):
        lines.append(f"    ... and {run['errorsOmitted']} more error(s) not recorded")
    return lines


def cmd_runs(args: argparse.Namespace) -> int:
    """List the target's runs, newest first: environment, actor, status and counts."""
    from seeding_suite.engine.runs import list_runs

    target = _open(args, read_only=True)
    try:
        runs = list_runs(target, args.limit)
    finally:
        target.close()
    return print_listing(runs, args.json, _run_lines, "run")


def _run_lines(run: dict[str, Any]) -> list[str]:
    c = run["counts"]
    lines = [
        f"{run['runId']:<34} {_when(run['startedAt'])}  {run['environment']:<12} "
        f"{run['actor']:<16} {_status(run)}",
        f"    {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged, "
        f"{c['reseeded']} reseeded, {c.get('deleted', 0)} deleted, {c['skipped']} skipped, "
        f"{c['failed']} failed; {c['documentsWritten']} documents written, "
        f"{c['convexCalls']} Convex calls",
    ]
    if run.get("reason"):
        lines.append(f"    reason: {run['reason']}")
    return lines + _details(run)


def _conflict_lines(row: dict[str, Any]) -> list[str]:
    versions = f"{row['currentVersion'] or '-'} -> {row['newVersion'] or '-'}"
    resolved = row.get("resolvedAt")
    verdict = row["resolution"] + (f" at {_when(resolved)}" if resolved is not None else "")
    lines = [f"{row['runId']:<34} {row['integration']:<24} {row['type']:<20} {versions}  {verdict}"]
    if row.get("detail"):
        lines.append(f"    {row['detail']}")
    return lines


def cmd_conflicts(args: argparse.Namespace) -> int:
    """List the conflicts runs met, newest first: version, dependency and duplicate ones."""
    from seeding_suite import remote

    target = _open(args, read_only=True)
    try:
        rows = target.query(
            remote.LIST_CONFLICTS, {"integration": args.integration, "limit": args.limit}
        )
    finally:
        target.close()
    return print_listing(rows, args.json, _conflict_lines, "conflict")


def cmd_rollback(args: argparse.Namespace) -> int:
    """Undo a run (or every run after --to RUN_ID), restoring exactly what was there before.

    Exit 2 when it is refused (later runs changed its documents, no --force), `--plan` too.
    """
    from seeding_suite.engine.guarded import guarded_rollback
    from seeding_suite.engine.lock import LockSettings
    from seeding_suite.engine.rollback import RollbackInfo

    who = actor()
    reason = f"rollback requested by {who}"
    info = RollbackInfo(new_run_id(), who, __version__, reason)
    lock = LockSettings(wait_seconds=args.lock_wait)
    target = _open(args, read_only=args.plan, wait_seconds=args.lock_wait)
    try:
        plan, result = guarded_rollback(
            target,
            info,
            run_id=args.run_id,
            to=args.to,
            force=args.force,
            plan_only=args.plan,
            lock=lock,
        )
    finally:
        target.close()
    if args.json:
        out: dict[str, Any] = {"plan": plan.to_json()}
        if result is not None:
            out["rollbackRuns"] = [{"runId": r, "undid": u} for r, u in result.runs]
            out["documentsWritten"] = result.written
        sys.stdout.write(json.dumps(out, indent=2, sort_keys=True) + "\n")
    else:
        for line in plan.describe():
            print(line)
        if result is not None:
            for rollback_id, undone in result.runs:
                print(f"rolled back run {undone} (recorded as run {rollback_id})")
            print(f"{result.written} document(s) written")
        elif plan.conflicts and not plan.force:
            print("applying this plan is refused without --force")
    if not plan.steps:
        print("nothing to roll back", file=sys.stderr)
    # A plan that applying would refuse fails as the refused rollback does (README, exit codes).
    return 2 if plan.conflicts and not plan.force and result is None else 0


def add_run_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    target_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Register `runs`, `conflicts` and `rollback` (with the shared target options)."""
    runs = sub.add_parser("runs", help=cmd_runs.__doc__)
    target_options(runs)
    runs.add_argument("--json", action="store_true", help="machine-readable output")
    runs.add_argument(
        "--limit",
        type=bounded_int(1, RUNS_LIMIT),
        default=20,
        help=f"how many runs (1..{RUNS_LIMIT}, default 20)",
    )
    runs.set_defaults(run=cmd_runs)
    conflicts = sub.add_parser("conflicts", help=cmd_conflicts.__doc__)
    target_options(conflicts)
    conflicts.add_argument("--json", action="store_true", help="machine-readable output")
    conflicts.add_argument("--integration", metavar="ID", help="only this integration's")
    conflicts.add_argument(
        "--limit",
        type=bounded_int(1, RUNS_LIMIT),
        default=50,
        help=f"how many conflicts (1..{RUNS_LIMIT}, default 50)",
    )
    conflicts.set_defaults(run=cmd_conflicts)
    rollback = sub.add_parser("rollback", help=str(cmd_rollback.__doc__).splitlines()[0])
    target_options(rollback)
    rollback.add_argument("run_id", nargs="?", metavar="RUN_ID", help="the run to undo")
    rollback.add_argument("--to", metavar="RUN_ID", help="undo every run after RUN_ID")
    rollback.add_argument("--force", action="store_true", help="overwrite later runs' changes")
    rollback.add_argument(
        "--plan", action="store_true", help="show what would be done; write nothing"
    )
    rollback.add_argument("--json", action="store_true", help="machine-readable output")
    rollback.add_argument(
        "--lock-wait",
        type=seconds,
        default=120.0,
        metavar="SECONDS",
        help="how long to wait for a busy target or embedded store (default 120)",
    )
    rollback.set_defaults(run=cmd_rollback)
