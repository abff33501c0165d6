"""`seeding-suite report`: the seeding dashboard, a CI summary or JSON, from the audit logs.

Reads every JUnit audit log under reports/ (or those given) and, with a target, its run
records, its usage figures (the adoption panel) and, with --drift, its drift. The PRD's
`report:seeding` is this command.
Exit 0, or 1 when a `--fail-on` threshold is crossed (each crossing is one line on stderr);
2 when it cannot run: a missing path, a file that is not an audit log, no run at all, a
threshold it cannot judge.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.argtypes import bounded_int
from seeding_suite.engine.rollback import RUNS_LIMIT
from seeding_suite.errors import ConfigurationError
from seeding_suite.reports.alerts import Threshold, crossed, parse_threshold
from seeding_suite.settings import target_settings
from seeding_suite.usage import DEFAULT_DAYS, MAX_DAYS

if TYPE_CHECKING:
    from collections.abc import Callable

    from seeding_suite.reports.build import Report
    from seeding_suite.reports.model import Run
    from seeding_suite.reports.panels.drift import DriftPanel
    from seeding_suite.targets.base import ConvexTarget
    from seeding_suite.usage import UsageReport

DEFAULT_HTML = "reports/seeding-report.html"


def _threshold(text: str) -> Threshold:
    try:
        return parse_threshold(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _source_link_base() -> str:
    """Failures link to their file:line: on GitHub when run there, else relative paths."""
    server, repo, sha = (
        os.environ.get(n) for n in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")
    )
    return f"{server}/{repo}/blob/{sha}/" if server and repo and sha else ""


@dataclass(frozen=True)
class FromTarget:
    """What a target adds to the audit logs: run records, drift (--drift), usage."""

    runs: list[Run] = field(default_factory=list)
    drift: DriftPanel | None = None
    usage: UsageReport | None = None
    rollouts: dict[tuple[str, str], int] = field(default_factory=dict)  # -> percent served
    trust: dict[str, str] = field(default_factory=dict)  # the catalog's, per integration


def _from_target(args: argparse.Namespace) -> FromTarget:
    """The target's run records, usage figures, and drift when asked; nothing without one."""
    from seeding_suite.targets.open import open_target, require_store

    if not (args.convex_url or args.db):
        if args.drift:
            raise ConfigurationError("--drift needs a target (--db PATH or --convex-url URL)")
        return FromTarget()
    from seeding_suite.commands.usage import catalog_trust
    from seeding_suite.reports.records import target_runs
    from seeding_suite.rollouts.store import read_rollouts
    from seeding_suite.usage import read_usage

    root = Path.cwd()
    settings = require_store(target_settings(url=args.convex_url, db=args.db, rootdir=root))
    target = open_target(settings, read_only=True)
    trust = catalog_trust(root)
    try:
        return FromTarget(
            target_runs(target, args.runs_limit),
            _drift(args, root, target, settings.description) if args.drift else None,
            read_usage(target, trust=trust, days=args.usage_days),
            {(r.integration, r.environment): r.percent for r in read_rollouts(target)},
            dict(trust),
        )
    finally:
        target.close()


def _drift(args: argparse.Namespace, root: Path, target: ConvexTarget, where: str) -> DriftPanel:
    from seeding_suite.commands.catalog_view import catalog_view
    from seeding_suite.engine import drift
    from seeding_suite.engine.seeder import Seeder
    from seeding_suite.reports.panels.drift import DriftPanel

    view = catalog_view(root, args.seed_env, args.manifest_root or ())
    state = Seeder(target).read_state(verify=True)
    found = drift.against_desired(view.desired, state, where, view.excluded())
    return DriftPanel(
        where, view.environment, [d.to_json() for d in found], [d.render() for d in found]
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Build the seeding report (HTML dashboard, markdown summary or JSON) from the audit logs."""
    from seeding_suite.reports.annotations import in_github_actions, run_annotations
    from seeding_suite.reports.build import build_report
    from seeding_suite.reports.history import audit_log_paths, load_history

    if any(t.kind == "drift" for t in args.fail_on) and not args.drift:
        raise ConfigurationError("--fail-on drift needs --drift (and a target)")
    paths = audit_log_paths(Path.cwd(), args.reports, records=bool(args.convex_url or args.db))
    extra = _from_target(args)
    drift = extra.drift
    history = load_history(paths, extra.runs)
    report = build_report(history, drift, extra.usage, extra.rollouts, extra.trust)
    text = _render(args.format, report)
    output = args.output or (DEFAULT_HTML if args.format == "html" else None)
    if output is None:
        sys.stdout.write(text)
    else:
        target = Path(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)  # a reader never sees half a report
        print(f"report: {target} ({len(history.runs)} run(s))", file=sys.stderr)
        if in_github_actions():  # stdout is the report itself otherwise
            for line in run_annotations(history.latest, Path.cwd()):
                print(line)
    alerts = crossed(args.fail_on, history, None if drift is None else len(drift.differences))
    for alert in alerts:
        print(f"seeding-suite: alert: {alert}", file=sys.stderr)
    return 1 if alerts else 0


def _render(kind: str, report: Report) -> str:
    from seeding_suite.reports.html import render_html
    from seeding_suite.reports.json_out import render_json
    from seeding_suite.reports.markdown import render_markdown

    if kind == "markdown":
        return render_markdown(report)
    if kind == "json":
        return render_json(report)
    return render_html(report, _source_link_base())


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    target_options: Callable[[argparse.ArgumentParser], None],
) -> None:
    parser = sub.add_parser(
        "report", help=str(cmd_report.__doc__).splitlines()[0], description=__doc__
    )
    parser.add_argument(
        "reports", nargs="*", metavar="REPORTS", help="audit logs or folders (default reports/)"
    )
    parser.add_argument(
        "--output", metavar="FILE", help=f"write here (html default {DEFAULT_HTML}; else stdout)"
    )
    parser.add_argument("--format", choices=("html", "markdown", "json"), default="html")
    parser.add_argument(
        "--fail-on",
        action="append",
        type=_threshold,
        default=[],
        metavar="THRESHOLD",
        help="exit 1 when crossed: duration>3x[@10], error-rate>0.05, drift (repeatable)",
    )
    target_options(parser)
    parser.add_argument("--drift", action="store_true", help="compare the target with the catalog")
    parser.add_argument(
        "--seed-env", metavar="NAME", help="environment for --drift (or SEEDING_ENV)"
    )
    parser.add_argument("--manifest-root", action="append", metavar="PATH", help="manifest root")
    parser.add_argument(
        "--runs-limit",
        type=bounded_int(1, RUNS_LIMIT),
        default=RUNS_LIMIT,
        help=f"how many of the target's run records (1..{RUNS_LIMIT}, default {RUNS_LIMIT})",
    )
    parser.add_argument(
        "--usage-days",
        type=bounded_int(1, MAX_DAYS),
        default=DEFAULT_DAYS,
        metavar="N",
        help=f"the adoption panel's window in UTC days (default {DEFAULT_DAYS})",
    )
    parser.set_defaults(run=cmd_report)
