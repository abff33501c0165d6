"""`pytest --metrics FILE`: the run's figures in the Prometheus / OpenMetrics text format.

For node_exporter's textfile collector (or any scraper of a file): the file is written whole
to a temporary name and renamed, so the collector never reads half of it
(prometheus_client.write_to_textfile does exactly that). A private CollectorRegistry holds the
run's metrics: the process-wide default registry would add the Python process's own metrics and
keep the run's between runs in one process (pytester).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Gauge, generate_latest, write_to_textfile

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class RunFigures:
    """What one run measured; the plugin fills it at the end of the run (plugin/monitor.py)."""

    run_id: str
    environment: str
    finished_at: float  # Unix time
    stage_seconds: dict[str, float]  # checks, seed, total
    integrations: dict[str, int]  # action -> integrations (created, updated, ... failed)
    documents: dict[tuple[str, str], int]  # (table, action) -> documents
    convex_calls: int
    check_failures: dict[str, int]  # check -> failing cases (seed included)
    checks_reused: int


def registry_of(figures: RunFigures) -> CollectorRegistry:
    registry = CollectorRegistry()
    labels = {"environment": figures.environment}

    def gauge(name: str, doc: str, extra: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, ["environment", *extra], registry=registry)

    info = gauge("seeding_run_info", "The run these figures are of (value 1)", ("run_id",))
    info.labels(run_id=figures.run_id, **labels).set(1)
    finished = gauge("seeding_run_finished_timestamp_seconds", "When the run finished")
    finished.labels(**labels).set(figures.finished_at)
    stages = gauge("seeding_stage_duration_seconds", "Wall time of each stage", ("stage",))
    for stage, seconds in figures.stage_seconds.items():
        stages.labels(stage=stage, **labels).set(seconds)
    actions = gauge("seeding_integrations", "Integrations by seed action", ("action",))
    for action, count in figures.integrations.items():
        actions.labels(action=action, **labels).set(count)
    documents = gauge(
        "seeding_documents",
        "Documents the target confirmed, by table and action",
        ("table", "action"),
    )
    for (table, action), count in sorted(figures.documents.items()):
        documents.labels(table=table, action=action, **labels).set(count)
    gauge("seeding_convex_calls", "Convex calls the run made").labels(**labels).set(
        figures.convex_calls
    )
    failures = gauge("seeding_check_failures", "Failing cases per check", ("check",))
    for check, count in sorted(figures.check_failures.items()):
        failures.labels(check=check, **labels).set(count)
    gauge("seeding_checks_reused", "Check passes reused from earlier runs").labels(**labels).set(
        figures.checks_reused
    )
    return registry


def metrics_text(figures: RunFigures) -> str:
    return generate_latest(registry_of(figures)).decode("utf-8")


def write_metrics(path: Path, figures: RunFigures) -> None:
    """Write whole or not at all (temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry_of(figures))
