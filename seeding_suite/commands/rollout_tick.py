"""`seeding-suite rollout tick`: what a schedule (cron, CI) runs.

Every active rollout whose hold has passed and whose gates pass advances; every one whose gate
fails (a variant's error rate above the limit with at least `min_requests`), or whose
integration the project's health checks (ini `seeding_health_checks`) find a problem with, is
rolled back. All moves of one tick are one run with one audit log. Exit 1 when a rollout was
rolled back (the job should turn red), else 0.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.commands.rollout_common import add_common, assess, open_target, run_changes
from seeding_suite.rollouts import clock
from seeding_suite.rollouts.schedule import move
from seeding_suite.rollouts.store import read_rollouts

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions
    from seeding_suite.rollouts.schedule import Change
    from seeding_suite.targets.base import ConvexTarget

HEALTH_INI = "seeding_health_checks"


def _health(target: ConvexTarget) -> dict[str, list[str]]:
    """The project's health checks over the target as it stands, by integration."""
    from seeding_suite.engine.health import check_health, load_health_checks
    from seeding_suite.engine.seeder import Seeder, SeedReport
    from seeding_suite.settings import pytest_ini

    raw = pytest_ini(Path.cwd(), HEALTH_INI)
    specs = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    checks = load_health_checks(str(s) for s in specs)
    found: dict[str, list[str]] = defaultdict(list)
    if not checks:
        return found
    state = Seeder(target).read_state()
    for problem in check_health(target, state, [], SeedReport("rollout-tick"), checks):
        if problem.integration is not None:
            found[problem.integration].append(f"[{problem.check}] {problem.message}")
    return found


def cmd_tick(args: argparse.Namespace) -> int:
    """Advance every rollout whose hold and gates pass; roll back every one whose gate fails."""
    target = open_target(args, read_only=False)
    lines: list[dict[str, object]] = []
    try:
        health = {} if args.no_health_checks else _health(target)
        changes: list[Change] = []
        for rollout in read_rollouts(target):
            decision = assess(target, rollout, health.get(rollout.integration, ()))[2]
            line: dict[str, object] = {
                "id": rollout.id,
                "environment": rollout.environment,
                "status": rollout.status,
                "percent": rollout.percent,
                "action": "none",
                "reason": decision.reason,
            }
            if decision.move is not None:
                change = move(rollout, decision.move, clock.now_ms(), decision.reason)
                changes.append(change)
                line |= {"action": change.action, "to": change.to_percent}
            lines.append(line)
        run_id = path = None
        if changes:
            written, audit = run_changes(args, target, changes, "rollout tick")
            run_id, path = written.run_id, str(audit)
    finally:
        target.close()
    for line in lines:
        if run_id is not None and line["action"] != "none":
            line |= {"runId": run_id, "auditLog": path}
        if args.json:
            sys.stdout.write(json.dumps(line, sort_keys=True) + "\n")
        else:
            print(
                f"{line['id']}@{line['environment']}: {str(line['action']).replace('_', ' ')} "
                f"at {line['percent']}% ({line['reason']})"
            )
    if not args.json:
        print(
            f"{len(lines)} rollout(s), {sum(1 for x in lines if x['action'] != 'none')} moved"
            + (f" (run {run_id}; {path})" if run_id else "")
        )
    return 1 if any(line["action"] == "rolled_back" for line in lines) else 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    parser = sub.add_parser("tick", help=str(cmd_tick.__doc__).splitlines()[0])
    parser.add_argument("--no-health-checks", action="store_true", help="judge by the gates alone")
    target_options(parser)
    add_common(parser, writes=True)
    parser.set_defaults(run=cmd_tick)
