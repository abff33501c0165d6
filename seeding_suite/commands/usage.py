"""`seeding-suite usage [--json] [--days N]`: adoption of the integrations by the platform's
workspaces (seeding_suite.usage), official and community apart, and what is seeded but unused.

Trust comes from the project's catalog (its sources), as the checks see it: the target records
which integration a workspace used, not where its manifest came from.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.argtypes import bounded_int
from seeding_suite.usage import DEFAULT_DAYS, MAX_DAYS, read_usage

if TYPE_CHECKING:
    import argparse

    from seeding_suite.commands import TargetOptions
    from seeding_suite.sources import Trust
    from seeding_suite.usage import IntegrationAdoption, UsageReport


def catalog_trust(root: Path) -> dict[str, Trust]:
    """Each catalog integration's trust (the source that gave its manifest)."""
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.signing.trust import TrustSettings
    from seeding_suite.sources import load_sources

    trust = TrustSettings.load(root)
    catalog = Catalog(
        load_sources(root), root, approvals=trust.approvals, on_conflict=trust.on_conflict
    )
    return {integration: entry.trust for integration, entry in catalog.by_id().items()}


def _line(adoption: IntegrationAdoption) -> str:
    where = ", ".join(f"{e.environment} {e.workspaces}" for e in adoption.environments)
    held = "" if adoption.seeded else " (not seeded here)"
    return (
        f"  {adoption.integration:<28} {adoption.workspaces:>6} workspace(s)"
        + (f"  {where}" if where else "")
        + held
    )


def render(report: UsageReport) -> list[str]:
    """The report as text: one block per trust, then what is seeded but unused."""
    lines = [f"usage from {report.days[0]} to {report.days[-1]} (UTC, {len(report.days)} day(s))"]
    for title, group in (
        ("official", report.official()),
        ("community", report.community()),
        ("not in the catalog", report.uncatalogued()),
    ):
        used = [i for i in group if i.workspaces]
        if used:
            lines.append(f"{title}:")
            lines.extend(_line(adoption) for adoption in used)
    unused = [i.integration for i in report.unused()]
    lines.append(f"seeded but unused: {', '.join(unused) if unused else 'none'}")
    return lines


def cmd_usage(args: argparse.Namespace) -> int:
    """Show which integrations the platform's workspaces use, per environment and day."""
    from seeding_suite.settings import target_settings
    from seeding_suite.targets.open import open_target, require_store

    root = Path.cwd()
    settings = require_store(target_settings(url=args.convex_url, db=args.db, rootdir=root))
    target = open_target(settings, read_only=True)
    try:
        report = read_usage(target, trust=catalog_trust(root), days=args.days)
    finally:
        target.close()
    if args.json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n")
    else:
        print("\n".join(render(report)))
    return 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    parser = sub.add_parser("usage", help=str(cmd_usage.__doc__).splitlines()[0])
    target_options(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--days",
        type=bounded_int(1, MAX_DAYS),
        default=DEFAULT_DAYS,
        help=f"the window: the last N UTC days, today included (1..{MAX_DAYS}, "
        f"default {DEFAULT_DAYS})",
    )
    parser.set_defaults(run=cmd_usage)
