"""`seeding-suite preview PATH`: the documents one manifest becomes, and what the target would do.

The engine's own pieces, read-only: the catalog's desired state (engine/desired.py, with the
environment's feature flags), the target's state (Seeder.read_state, every row verified so a
document edited by hand shows as an update), and the engine's plan for that integration
(engine/plan.py). Each document's action is read off the plan's ops: an upsert with no expected
checksum creates, one with an expected checksum updates, a delete deletes, and a document with no
op is unchanged. The target is never written, and a missing embedded store is never created.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite.commands.project import project_runner, selected
from seeding_suite.commands.validate import validate
from seeding_suite.errors import ConfigurationError
from seeding_suite.settings import target_settings

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions
    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.plan import IntegrationPlan
    from seeding_suite.settings import TargetSettings

GATES = ("parse", "schema", "references")  # the checks that decide a manifest has documents
SYMBOLS = {"create": "+", "update": "~", "unchanged": "=", "delete": "-"}


def document_actions(
    desired: DesiredIntegration, plan: IntegrationPlan
) -> list[tuple[str, str, str, str]]:
    """(table, naturalKey, checksum, action) per document, desired order, then deletions."""
    by_key = {(op["table"], op["naturalKey"]): op for op in plan.ops}
    rows = []
    for doc in desired.docs:
        op = by_key.get((doc.table, doc.natural_key))
        action = "unchanged"
        if op is not None:
            action = "create" if op.get("expected") is None else "update"
        rows.append((doc.table, doc.natural_key, doc.checksum, action))
    rows.extend(
        (op["table"], op["naturalKey"], str(op["expected"]), "delete")
        for op in plan.ops
        if op["kind"] == "delete"
    )
    return rows


def _read_plan(desired: DesiredIntegration, settings: TargetSettings) -> IntegrationPlan:
    from seeding_suite.engine.plan import plan_integration
    from seeding_suite.engine.seeder import Seeder
    from seeding_suite.targets.open import open_target

    target = open_target(settings, read_only=True)  # a missing store reads as empty
    try:
        state = Seeder(target).read_state(verify=True)
    finally:
        target.close()
    return plan_integration(desired, state)


def cmd_preview(args: argparse.Namespace) -> int:
    """Show the documents a manifest becomes, per table, and what the target would do."""
    path = Path(args.path)
    runner = project_runner([path], seed_env=args.seed_env)
    files = selected(runner, [path])
    if len(files) != 1 or not path.is_file():
        raise ConfigurationError(f"{path}: preview takes one manifest file")
    catalog = runner.catalog
    gates = validate(runner, files)[0]
    if any(runner.run(name, files[0]).status != "passed" for name in GATES):
        print("\n".join(gates.lines()))
        print("nothing to preview: the manifest does not pass its checks")
        return 1
    settings = target_settings(url=args.convex_url, db=args.db, rootdir=Path.cwd())
    if args.db and settings.url is None and not settings.db.exists():
        raise ConfigurationError(f"--db {args.db}: no such file")
    entry = catalog.entry(files[0])
    excluded = None if entry is None else catalog.excluded(entry)
    desired = catalog.desired_of(files[0])
    plan = _read_plan(desired, settings)
    rows = document_actions(desired, plan)
    environment = catalog.policy.name if catalog.policy is not None else "development"
    if args.json:
        out: dict[str, Any] = {
            "integration": desired.id,
            "version": desired.version,
            "file": catalog.display(files[0]),
            "environment": environment,
            "excluded": excluded,
            "target": settings.description,
            "targetVersion": plan.previous_version,
            "action": plan.action,
            "checksum": desired.checksum,
            "documents": [
                {"table": t, "naturalKey": k, "checksum": c, "action": a} for t, k, c, a in rows
            ],
        }
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return 0
    for line in _render(desired, plan, rows, catalog.display(files[0]), environment, settings):
        print(line)
    if excluded is not None:
        print(f"note: not seeded in {environment}: {excluded}")
    return 0


def _render(
    desired: DesiredIntegration,
    plan: IntegrationPlan,
    rows: list[tuple[str, str, str, str]],
    shown: str,
    environment: str,
    settings: TargetSettings,
) -> list[str]:
    held = (
        f"holds {desired.id} {plan.previous_version}"
        if plan.previous_version
        else f"does not hold {desired.id}"
    )
    store = "" if settings.url or settings.db.exists() else " (not created yet: read as empty)"
    lines = [
        f"{desired.id} {desired.version} ({shown}) in {environment}: {desired.checksum}",
        f"target {settings.description}{store} {held}: {plan.action}",
    ]
    width = max(len(key) for _, key, _, _ in rows)
    table = None
    for name, key, checksum, action in rows:
        if name != table:
            lines.append(f"{name}")
            table = name
        lines.append(f"  {SYMBOLS[action]} {key:<{width}}  {checksum[:22]}  {action}")
    counts = plan.counts
    lines.append(
        f"{len(rows)} document(s): {counts.created} to create, {counts.updated} to update, "
        f"{counts.unchanged} unchanged, {counts.deleted} to delete"
    )
    return lines


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    parser = sub.add_parser("preview", help=cmd_preview.__doc__, description=__doc__)
    parser.add_argument("path", metavar="PATH", help="one manifest file")
    target_options(parser)
    parser.add_argument("--seed-env", metavar="NAME", help="environment (or SEEDING_ENV)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(run=cmd_preview)
