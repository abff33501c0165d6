"""`seeding-suite rollout status [ID]`: where each rollout stands and what `tick` would do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.commands.listing import print_listing
from seeding_suite.commands.rollout_common import (
    add_common,
    assess,
    describe,
    find,
    open_target,
    when,
)
from seeding_suite.rollouts.store import read_rollouts

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions


def _lines(shown: dict[str, object]) -> list[str]:
    rollout = shown
    steps = rollout["steps"]
    assert isinstance(steps, list)
    lines = [
        f"{rollout['id']}@{rollout['environment']}  {rollout['status']}  {rollout['percent']}%  "
        f"step {rollout['step']}/{len(steps)} of {', '.join(f'{s}%' for s in steps)}  "
        f"version {rollout['version']}  since {when(rollout['since'])}"  # type: ignore[arg-type]
    ]
    variants = rollout["variants"]
    assert isinstance(variants, list)
    if variants:
        lines.append("  variants: " + ", ".join(f"{v['name']} {v['weight']}" for v in variants))
    gates, window = rollout["gates"], rollout["window"]
    assert isinstance(window, dict)
    if isinstance(gates, dict):
        lines.append(
            f"  gates: error rate at most {gates['maxErrorRate']:.1%}, "
            f"judged from {gates['minRequests']} requests"
        )
    lines.append(f"  window since {when(window['since'])}: {window['requests']} requests")
    for figures in window["variants"]:
        label = figures["variant"] or "all"
        lines.append(
            f"    {label}: {figures['requests']} requests, {figures['errors']} errors "
            f"({figures['errorRate']:.1%})"
        )
    if rollout["reason"]:
        lines.append(f"  reason: {rollout['reason']}")
    following = rollout["next"]
    assert isinstance(following, dict)
    lines.append(f"  next: {following['move'] or 'wait'} ({following['reason']})")
    return lines


def cmd_status(args: argparse.Namespace) -> int:
    """Show each rollout: percent, step, status, variants and the gate figures of its window."""
    target = open_target(args, read_only=True)
    try:
        rollouts = [find(target, args.id)] if args.id else read_rollouts(target)
        shown = [describe(r, *assess(target, r)) for r in rollouts]
    finally:
        target.close()
    return print_listing(shown, args.json, _lines, "rollout")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    parser = sub.add_parser("status", help=str(cmd_status.__doc__).splitlines()[0])
    parser.add_argument("id", nargs="?", metavar="ID", help="one rollout (default: all)")
    target_options(parser)
    add_common(parser, writes=False)
    parser.set_defaults(run=cmd_status)
