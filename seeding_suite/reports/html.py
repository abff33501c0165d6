"""`report` (HTML): one self-contained page, built with Jinja2 from templates/.

Everything is inline: CSS, the small script that pages the tables, the charts (charts.py).
No CDN, no font, no request: it opens from a CI artifact or a mail attachment.

Long tables (the status matrix at 10,000 integrations, a first run's 10,000 changes) are not
10,000 `<tr>`s: their rows are one JSON block that the script shows a page at a time, with a
filter. The DOM stays small whatever the catalog's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from seeding_suite.reports.charts import line_chart

if TYPE_CHECKING:
    from markupsafe import Markup

    from seeding_suite.reports.build import Report

Cell = str | int | float | dict[str, str] | list[str | int] | None


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("seeding_suite.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _link(file: str, line: int, base: str) -> str:
    return f"{base}{file}#L{line}"


def _tables(report: Report, link_base: str) -> dict[str, dict[str, Any]]:
    """The paged tables' rows: {key: {columns, rows}}; a cell is text, {t, c, h, title}
    (text, class, link, hover), or a matrix cell."""
    latest, matrix = report.latest, report.matrix
    # A matrix cell is [version, health, run(, rollout percent)]: `run` indexes the table's
    # `runs` (its run id and time, shown on hover). At 10,000 integrations x 3 environments,
    # spelling those out in every cell made the page 5 MB.
    runs = sorted(
        {c.last_run: c.last_seen for cells in matrix.cells.values() for c in cells.values()}.items()
    )
    run_index = {run_id: index for index, (run_id, _) in enumerate(runs)}
    matrix_rows: list[list[Cell]] = []
    for integration in matrix.integrations:
        row: list[Cell] = [integration]
        if matrix.trust:
            row.append(matrix.trust.get(integration, "unknown"))
        for cell in matrix.row(integration):
            if cell is None:
                row.append(None)
                continue
            compact: list[str | int] = [cell.version, cell.health, run_index[cell.last_run]]
            row.append(compact if cell.rollout is None else [*compact, cell.rollout])
        matrix_rows.append(row)
    return {
        "changes": {
            "columns": ["", "integration", "action", "version"],
            "rows": [
                [
                    {"t": c.sign, "c": f"sign a-{c.action}"},
                    c.integration,
                    c.action,
                    f"{c.previous_version} → {c.version}"
                    if c.previous_version and c.previous_version != c.version
                    else c.version,
                ]
                for c in latest.changes
            ],
        },
        "failures": {
            "columns": ["where", "integration", "check", "message"],
            "rows": [
                [
                    {"t": f"{f.file}:{f.line}:{f.col}", "h": _link(f.file, f.line, link_base)},
                    f.integration,
                    f.check,
                    {"t": f.message, "c": "message"},
                ]
                for f in latest.failures
            ],
        },
        "skipped": {
            "columns": ["integration", "manifest", "why"],
            "rows": [[s.integration, s.manifest, s.reason] for s in latest.skipped],
        },
        "runs": {
            "columns": [
                "started",
                "environment",
                "run",
                "verdict",
                "seconds",
                "checks s",
                "seed s",
                "+",
                "~",
                "-",
                "=",
                "skipped",
                "failed",
                "documents",
                "Convex calls",
                "reused",
            ],
            "rows": [
                [
                    r.started_at,
                    r.environment,
                    r.run_id,
                    {"t": r.verdict, "c": f"v-{r.verdict}"},
                    r.seconds,
                    r.check_seconds,
                    r.seed_seconds,
                    r.created,
                    r.updated,
                    r.deleted,
                    r.unchanged,
                    r.skipped,
                    r.failed,
                    r.documents_written,
                    r.convex_calls,
                    r.checks_reused,
                ]
                for r in reversed(report.trends.runs)
            ],
        },
        "matrix": {
            "columns": ["integration", *(["trust"] if matrix.trust else []), *matrix.environments],
            "rows": matrix_rows,
            "runs": [f"last run {run_id} at {seen}" for run_id, seen in runs],
        },
        "failing": {
            "columns": ["integration", "failed runs", "runs", "rate", "last failure", "message"],
            "rows": [
                [
                    e.integration,
                    e.failures,
                    e.runs,
                    f"{e.rate:.0%}",
                    e.last_failure,
                    {"t": e.last_message, "c": "message"},
                ]
                for e in report.errors.integrations
            ],
        },
        "adoption": {
            "columns": [
                "integration",
                "trust",
                "seeded",
                "environment",
                "workspaces",
                "days used",
                "last used",
            ],
            "rows": []
            if report.adoption is None
            else [
                [
                    r.integration,
                    r.trust,
                    "yes" if r.seeded else "no",
                    r.environment or "-",
                    r.workspaces,
                    r.days_used,
                    r.last_used or "-",
                ]
                for r in report.adoption.rows
            ],
        },
        "slowest": {
            "columns": ["manifest", "environment", "check seconds"],
            "rows": [[s.manifest, s.environment, s.seconds] for s in report.errors.slowest],
        },
    }


def _charts(report: Report) -> list[Markup]:
    trends = report.trends
    order = [r.run_id for r in trends.runs]
    stages: dict[str, list[tuple[str, float]]] = {}
    for environment in trends.environments:
        for stage, name in (("check_seconds", "checks"), ("seed_seconds", "seed")):
            stages[f"{environment} {name}"] = trends.series(stage)[environment]
    outcomes = {
        action: [(r.run_id, float(getattr(r, action))) for r in trends.runs]
        for action in ("created", "updated", "deleted", "skipped", "failed")
    }
    return [
        line_chart(
            "chart-duration", "Run duration per environment", trends.series("seconds"), order, " s"
        ),
        line_chart("chart-stages", "Duration per stage", stages, order, " s"),
        line_chart("chart-outcomes", "Outcomes per run", outcomes, order),
        line_chart(
            "chart-documents", "Documents written", trends.series("documents_written"), order
        ),
        line_chart("chart-calls", "Convex calls", trends.series("convex_calls"), order),
        line_chart("chart-reused", "Checks reused", trends.series("checks_reused"), order),
        line_chart("chart-check-errors", "Error rate per check", report.errors.check_rates, order),
    ]


def _adoption_charts(report: Report) -> list[Markup]:
    if report.adoption is None:
        return []
    panel = report.adoption
    return [
        line_chart(
            f"chart-adoption-{trust}",
            f"Workspace uses of {trust} integrations per day",
            series,
            panel.days,
            x_name="day",
        )
        for trust, series in panel.per_day.items()
    ]


def render_html(report: Report, link_base: str = "") -> str:
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        tables=_tables(report, link_base),
        charts=_charts(report),
        adoption_charts=_adoption_charts(report),
    )
