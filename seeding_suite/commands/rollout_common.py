"""What the `seeding-suite rollout` subcommands share: the target, finding a rollout by its id,
running a move as a run with its audit log, and the shape of a rollout in output."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite import __version__
from seeding_suite.rollouts import clock
from seeding_suite.rollouts.audit import FOLDER, write_audit_log
from seeding_suite.rollouts.decision import decide
from seeding_suite.rollouts.store import (
    RolloutNotFound,
    RunContext,
    read_rollouts,
    read_window,
    step_since,
    write_changes,
)
from seeding_suite.settings import actor, new_run_id, target_settings

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from seeding_suite.rollouts.decision import Decision
    from seeding_suite.rollouts.documents import Rollout
    from seeding_suite.rollouts.gates import Window
    from seeding_suite.rollouts.schedule import Change
    from seeding_suite.rollouts.store import Written
    from seeding_suite.targets.base import ConvexTarget


def open_target(args: argparse.Namespace, *, read_only: bool) -> ConvexTarget:
    from seeding_suite.targets.open import open_target as opened
    from seeding_suite.targets.open import require_store

    settings = require_store(target_settings(url=args.convex_url, db=args.db, rootdir=Path.cwd()))
    holder = f"seeding-suite rollout {args.rollout_command}"
    return opened(settings, read_only=read_only, holder=holder, wait_seconds=args.lock_wait)


def find(target: ConvexTarget, ident: str) -> Rollout:
    """The one rollout `ident` names: an integration id, or `id@environment` when the target
    holds the integration's rollout in more than one environment."""
    rollouts = read_rollouts(target)
    found = [r for r in rollouts if ident in (r.id, f"{r.id}@{r.environment}")]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f"{r.id}@{r.environment}" for r in found)
        raise RolloutNotFound(f"{ident!r} names {len(found)} rollouts; name one of {names}")
    held = ", ".join(f"{r.id}@{r.environment}" for r in rollouts) or "none"
    raise RolloutNotFound(
        f"the target {target.description} has no rollout {ident!r} (held: {held})"
    )


def assess(
    target: ConvexTarget, rollout: Rollout, health: Sequence[str] = ()
) -> tuple[float, Window, Decision]:
    """When its step began, its window, and what `tick` would do with it now."""
    since = step_since(target, rollout)
    window = read_window(target, rollout, since)
    now = clock.now_ms()
    return since, window, decide(rollout, since_ms=since, now_ms=now, window=window, health=health)


def run_changes(
    args: argparse.Namespace, target: ConvexTarget, changes: Sequence[Change], command: str
) -> tuple[Written, Path]:
    """Write the changes as one run, then its audit log; both named by the same run id."""
    context = RunContext(new_run_id(), actor(), __version__, command)
    from seeding_suite.engine.lock import LockSettings

    written = write_changes(
        target, changes, context, lock=LockSettings(wait_seconds=args.lock_wait)
    )
    folder = Path(args.reports_dir) if args.reports_dir else Path.cwd() / FOLDER
    return written, write_audit_log(folder, written, context, target.description)


def when(ms: float | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000.0, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def describe(rollout: Rollout, since: float, window: Window, decision: Decision) -> dict[str, Any]:
    """A rollout as `status --json` prints it."""
    gates = rollout.gates
    return {
        "id": rollout.id,
        "integration": rollout.integration,
        "environment": rollout.environment,
        "version": rollout.fields["version"],
        "status": rollout.status,
        "step": rollout.step + 1,
        "steps": rollout.steps,
        "percent": rollout.percent,
        "since": since,
        "holdSeconds": rollout.hold_seconds,
        "stickiness": rollout.fields["stickiness"],
        "group": rollout.group,
        "variants": [{"name": n, "weight": w} for n, w in rollout.variants],
        "gates": None if gates is None else {"maxErrorRate": gates[0], "minRequests": gates[1]},
        "window": window.to_json(),
        "reason": rollout.state.get("reason"),
        "runId": rollout.fields["runId"],
        "next": {"move": decision.move, "reason": decision.reason},
    }


def refused(message: str) -> int:
    """A move that was not allowed: one line on stderr, exit 1 (README, exit codes)."""
    print(f"seeding-suite: {message}", file=sys.stderr)
    return 1


def add_common(parser: argparse.ArgumentParser, *, writes: bool) -> None:
    from seeding_suite.argtypes import seconds

    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--lock-wait",
        type=seconds,
        default=120.0,
        metavar="SECONDS",
        help="how long to wait for a busy target or embedded store (default 120)",
    )
    if writes:
        parser.add_argument(
            "--reports-dir", metavar="DIR", help="where the audit log goes (default reports/)"
        )
