"""`report --format markdown`: a summary for `$GITHUB_STEP_SUMMARY`, GitLab notes and others.

Short on purpose (GitHub caps a step summary at 1 MiB): the latest run in full, lists cut at
LIMIT rows with the rest counted, and the last runs of each environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.reports.build import Report
    from seeding_suite.reports.panels.trends import RunRow

LIMIT = 50
RECENT = 5


def cell(text: object) -> str:
    """A table cell: one line, pipes escaped (GitHub-flavoured markdown)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _more(shown: int, total: int) -> list[str]:
    return [f"\n… and {total - shown} more (see the HTML report)"] if total > shown else []


def _run_line(row: RunRow) -> str:
    return (
        f"| {cell(row.environment)} | `{row.run_id}` | {row.started_at} | {row.verdict} | "
        f"{row.seconds:.2f} s | +{row.created} ~{row.updated} -{row.deleted} ={row.unchanged} | "
        f"{row.skipped} | {row.failed} | {row.documents_written} | {row.convex_calls} |"
    )


def render_markdown(report: Report) -> str:
    latest = report.latest
    counts = latest.counts
    lines = [
        f"## Seeding: {latest.verdict} in {cell(latest.environment)} (run `{latest.run_id}`)",
        "",
        f"Target `{cell(latest.target)}`, started {latest.started_at}, {latest.seconds:.2f} s"
        + (f", commit `{latest.git_commit[:12]}`" if latest.git_commit else "")
        + ".",
        f"{counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
        f"{counts.get('unchanged', 0)} unchanged, {counts.get('reseeded', 0)} reseeded, "
        f"{counts.get('deleted', 0)} deleted, {counts.get('skipped', 0)} skipped, "
        f"{counts.get('failed', 0)} failed; {latest.documents_written} documents written, "
        f"{latest.convex_calls} Convex calls, {latest.checks_reused} checks reused.",
    ]
    if latest.notes:
        lines += ["", f"**Notes:** {cell(latest.notes)}"]
    if latest.changes:
        lines += ["", "### Changes", "", "| | integration | version |", "|---|---|---|"]
        for c in latest.changes[:LIMIT]:
            moved = c.previous_version and c.previous_version != c.version
            version = f"{c.previous_version} → {c.version}" if moved else c.version
            lines.append(f"| `{c.sign}` | {cell(c.integration)} | {cell(version)} |")
        lines += _more(min(LIMIT, len(latest.changes)), len(latest.changes))
    if latest.failures:
        lines += ["", "### Failures", "", "| where | check | message |", "|---|---|---|"]
        for f in latest.failures[:LIMIT]:
            lines.append(f"| `{cell(f.file)}:{f.line}` | {cell(f.check)} | {cell(f.message)} |")
        lines += _more(min(LIMIT, len(latest.failures)), len(latest.failures))
    if latest.skipped:
        lines += ["", "### Skipped", "", "| integration | why |", "|---|---|"]
        lines += [f"| {cell(s.integration)} | {cell(s.reason)} |" for s in latest.skipped[:LIMIT]]
        lines += _more(min(LIMIT, len(latest.skipped)), len(latest.skipped))
    if report.adoption is not None:
        used = sorted({r.integration for r in report.adoption.rows if r.workspaces})
        unused = report.adoption.unused
        lines += [
            "",
            f"### Adoption ({report.adoption.days[0]} to {report.adoption.days[-1]})",
            "",
            f"{len(used)} integration(s) used; seeded but unused: "
            + (", ".join(cell(i) for i in unused[:LIMIT]) if unused else "none")
            + (f" and {len(unused) - LIMIT} more" if len(unused) > LIMIT else ""),
        ]
    lines += [
        "",
        f"### Recent runs ({report.runs} in the history)",
        "",
        "| environment | run | started | verdict | time | changes | skipped | failed "
        "| documents | Convex calls |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for environment in report.environments:
        rows = [r for r in report.trends.runs if r.environment == environment]
        lines += [_run_line(row) for row in reversed(rows[-RECENT:])]
    return "\n".join(lines) + "\n"
