"""`seeding-suite rollout advance|pause|resume|rollback ID`: manual control, each a run.

`advance` asks what `tick` would decide and refuses (exit 1, naming the failing gate or the
hold left) unless it is "advance"; `--force` advances anyway and the run says it was forced.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from seeding_suite.commands.rollout_common import (
    add_common,
    assess,
    find,
    open_target,
    refused,
    run_changes,
)
from seeding_suite.rollouts import clock
from seeding_suite.rollouts.schedule import RolloutRefused, move
from seeding_suite.settings import actor

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions
    from seeding_suite.rollouts.schedule import Move

MOVES: dict[str, Move] = {
    "advance": "advance",
    "pause": "pause",
    "resume": "resume",
    "rollback": "rollback",
}


def cmd_control(args: argparse.Namespace) -> int:
    """Advance, pause, resume or roll back one rollout (a run, with its audit log)."""
    how = MOVES[args.rollout_command]
    target = open_target(args, read_only=False)
    try:
        rollout = find(target, args.id)
        reason = args.reason or f"{args.rollout_command} requested by {actor()}"
        forced = False
        if how == "advance" and rollout.status == "active":  # else move() says why not
            decision = assess(target, rollout)[2]
            if decision.move != "advance":
                if not args.force:
                    return refused(f"{rollout.id}: advance refused: {decision.reason}")
                forced = True
                reason = f"{reason} (forced past: {decision.reason})"
            else:
                reason = f"{reason}: {decision.reason}"
        try:
            change = move(rollout, how, clock.now_ms(), reason, forced=forced)
        except RolloutRefused as exc:
            return refused(str(exc))
        written, path = run_changes(args, target, [change], f"rollout {args.rollout_command}")
    finally:
        target.close()
    out = {
        "id": rollout.id,
        "environment": rollout.environment,
        "action": change.action,
        "from": change.from_percent,
        "to": change.to_percent,
        "forced": forced,
        "reason": reason,
        "runId": written.run_id,
        "auditLog": str(path),
    }
    if args.json:
        sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")
    else:
        print(
            f"{rollout.id}@{rollout.environment}: {change.action.replace('_', ' ')} "
            f"{change.from_percent}% -> {change.to_percent}% (run {written.run_id}; {path})"
        )
    return 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    for name, said in (
        ("advance", "Advance a rollout to its next step (gates and hold must pass, or --force)"),
        ("pause", "Pause a rollout where it is"),
        ("resume", "Resume a paused rollout (its hold counts again from now)"),
        ("rollback", "Roll a rollout back: the integration is off for every subject"),
    ):
        parser = sub.add_parser(name, help=said)
        parser.add_argument("id", metavar="ID", help="the rollout (an integration id)")
        parser.add_argument("--reason", metavar="TEXT", help="why, for the run and audit log")
        if name == "advance":
            parser.add_argument(
                "--force", action="store_true", help="advance past the gates and hold (recorded)"
            )
        target_options(parser)
        add_common(parser, writes=True)
        parser.set_defaults(run=cmd_control)
