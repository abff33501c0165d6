"""`seeding-suite rollout status|evaluate|advance|pause|resume|rollback|tick` (issue 16).

One module per subcommand (rollout_status, rollout_evaluate, rollout_control, rollout_tick)
over the engine in seeding_suite/rollouts; cli.py registers the group with one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.commands import (
    rollout_control,
    rollout_evaluate,
    rollout_status,
    rollout_tick,
)

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions


def add_rollout_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    """Register `rollout` and its subcommands (with the shared target options)."""
    parser = sub.add_parser(
        "rollout", help="Gradual rollouts: status, evaluate, advance, pause, resume, rollback, tick"
    )
    commands = parser.add_subparsers(dest="rollout_command", required=True, metavar="COMMAND")
    rollout_status.register(commands, target_options)
    rollout_evaluate.register(commands, target_options)
    rollout_control.register(commands, target_options)
    rollout_tick.register(commands, target_options)
