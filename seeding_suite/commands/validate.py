"""`seeding-suite validate [PATH...]`: the manifest checks without pytest, hassfest-style.

The same check objects, run by the same runner as the plugin's items, so every message is the
one a pytest run prints. Output: one block per integration (ok, or its findings as
`file:line:col: field: message`), then totals; exit 1 on any failing check.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite.commands.project import project_runner, selected
from seeding_suite.errors import ConfigurationError
from seeding_suite.findings import format_path

if TYPE_CHECKING:
    import argparse

    from seeding_suite.findings import Finding
    from seeding_suite.runner import CheckOutcome, CheckRunner


@dataclass(frozen=True)
class ManifestReport:
    """Every check's outcome on one manifest file."""

    integration: str
    file: str
    outcomes: dict[str, CheckOutcome]

    @property
    def ok(self) -> bool:
        return all(o.status == "passed" for o in self.outcomes.values())

    @property
    def findings(self) -> list[Finding]:
        return [f for outcome in self.outcomes.values() for f in outcome.findings]

    @property
    def exempted(self) -> list[Finding]:
        """Findings a reviewed exemption covers: not listed, written to SARIF as suppressed."""
        return [f for outcome in self.outcomes.values() for f in outcome.exempted]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def lines(self) -> list[str]:
        """The hassfest-style block: a head line, then each finding, then what did not run.

        Warnings and info (the security check's) are listed under an ok manifest too.
        """
        notes = len(self.findings) - self.errors
        noted = f", {_count(notes, 'warning')}" if notes else ""
        if self.ok:
            head = f"{self.integration} ({self.file}): ok{noted}"
            return [head, *(f"  [{f.check}] {f.render()}" for f in self.findings)]
        out = [f"{self.integration} ({self.file}): {_count(self.errors, 'error')}{noted}"]
        out.extend(
            f"  [{name}] {finding.render()}"
            for name, outcome in self.outcomes.items()
            for finding in outcome.findings
        )
        unrun = [name for name, outcome in self.outcomes.items() if outcome.status == "skipped"]
        if unrun:
            out.append(f"  not run (an earlier check failed): {', '.join(unrun)}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "integration": self.integration,
            "file": self.file,
            "ok": self.ok,
            "checks": {name: outcome.status for name, outcome in self.outcomes.items()},
            "findings": [
                {
                    "check": f.check,
                    "file": f.file,
                    "line": f.line,
                    "column": f.column,
                    "field": format_path(f.path),
                    "message": f.message,
                    "severity": f.severity,
                    "rule": f.rule,
                }
                for outcome in self.outcomes.values()
                for f in outcome.findings
            ],
        }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def validate(runner: CheckRunner, files: list[Path]) -> list[ManifestReport]:
    """Every check on every file, in order (a check whose requirement failed is skipped)."""
    catalog = runner.catalog
    reports = []
    for path in files:
        entry = catalog.entry(path)
        integration = entry.id if entry is not None else path.stem
        outcomes = {name: runner.run(name, path) for name in runner.names}
        reports.append(ManifestReport(integration, catalog.display(path), outcomes))
    return reports


def totals(reports: list[ManifestReport]) -> dict[str, int]:
    invalid = [r for r in reports if not r.ok]
    return {
        "manifests": len(reports),
        "ok": len(reports) - len(invalid),
        "invalid": len(invalid),
        "errors": sum(r.errors for r in invalid),
    }


def cmd_validate(args: argparse.Namespace) -> int:
    """Check manifests (default: the whole catalog) as pytest would; exit 1 on any error."""
    paths = [Path(p) for p in args.paths]
    runner = project_runner(paths, seed_env=args.seed_env, offline=args.offline)
    reports = validate(runner, selected(runner, paths))
    counted = totals(reports)
    problems = runner.catalog.problems()  # a source that could not be read is an error too
    if args.sarif:
        write_run_sarif(Path(args.sarif), runner, reports)
    if args.json:
        out = {"manifests": [r.to_json() for r in reports], "totals": counted}
        out["source_problems"] = [dataclasses.asdict(p) for p in problems]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        for report in reports:
            print("\n".join(report.lines()))
        for problem in problems:
            print(f"source problem: {problem.render()}")
        print(
            f"\n{_count(counted['manifests'], 'manifest')} checked in "
            f"{runner.catalog.policy.name if runner.catalog.policy else 'development'}: "
            f"{counted['ok']} ok, {counted['invalid']} invalid "
            f"({_count(counted['errors'], 'error')})"
        )
    return 1 if counted["invalid"] or problems else 0


def write_run_sarif(path: Path, runner: CheckRunner, reports: list[ManifestReport]) -> None:
    """The SARIF file of a validate run; ConfigurationError when it cannot be written."""
    from seeding_suite.checks.security import SecurityCheck
    from seeding_suite.security.sarif import write_sarif
    from seeding_suite.security.scan import unknown_ids

    findings = [f for report in reports for f in (*report.findings, *report.exempted)]
    for check in runner.checks:
        if isinstance(check, SecurityCheck):
            findings.extend(unknown_ids(check.settings.exemptions, runner.catalog.by_id()))
    try:
        write_sarif(path, findings, {c.name: c.description for c in runner.checks})
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write the SARIF file {path}: {exc.strerror or exc}"
        ) from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("validate", help=cmd_validate.__doc__, description=__doc__)
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="manifest files or folders (default: the catalog's manifest roots)",
    )
    parser.add_argument("--seed-env", metavar="NAME", help="environment (or SEEDING_ENV)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--sarif", metavar="FILE", help="also write every finding as SARIF 2.1.0 to FILE"
    )
    parser.add_argument(
        "--offline", action="store_true", help="registry sources from their verified cache only"
    )
    parser.set_defaults(run=cmd_validate)
