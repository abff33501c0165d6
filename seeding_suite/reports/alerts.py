"""`report --fail-on`: thresholds that turn a report into an alert (exit 1 when one is crossed).

    duration>3x        a run took more than 3 times the median of its environment's last
    duration>3x@20     ... last 20 runs before it (default 10)
    error-rate>0.05    more than 5 % of a run's cases failed
    drift              the target differs from the catalog (needs --drift)

Each is judged on the latest run of every environment, so a scheduled job alerts on whichever
environment went wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.reports.model import History

DEFAULT_BASELINE = 10
_DURATION = re.compile(r"duration>(?P<factor>\d+(?:\.\d+)?)x(?:@(?P<runs>[1-9]\d*))?")
_ERROR_RATE = re.compile(r"error-rate>(?P<rate>0(?:\.\d+)?|1(?:\.0+)?)")


@dataclass(frozen=True, slots=True)
class Threshold:
    kind: str  # duration, error-rate, drift
    value: float = 0.0
    runs: int = DEFAULT_BASELINE
    text: str = ""


def parse_threshold(text: str) -> Threshold:
    """A `--fail-on` value; ValueError naming the accepted forms otherwise."""
    spec = text.strip()
    if spec == "drift":
        return Threshold("drift", text=spec)
    if match := _DURATION.fullmatch(spec):
        factor = float(match["factor"])
        if factor <= 0:
            raise ValueError(f"--fail-on {text!r}: the factor must be above 0")
        return Threshold("duration", factor, int(match["runs"] or DEFAULT_BASELINE), spec)
    if match := _ERROR_RATE.fullmatch(spec):
        return Threshold("error-rate", float(match["rate"]), text=spec)
    raise ValueError(
        f"--fail-on {text!r}: expected duration>NxK like duration>3x or duration>3x@20, "
        "error-rate>X with X from 0 to 1, or drift"
    )


def crossed(thresholds: list[Threshold], history: History, drift: int | None) -> list[str]:
    """One line per threshold crossed; `drift` is the number of differences (None: not read)."""
    alerts: list[str] = []
    for threshold in thresholds:
        if threshold.kind == "drift":
            if drift:
                alerts.append(f"drift: the target differs from the catalog ({drift} difference(s))")
            continue
        for environment in history.environments:
            runs = history.in_environment(environment)
            latest = runs[-1]
            if threshold.kind == "error-rate" and latest.error_rate > threshold.value:
                alerts.append(
                    f"error-rate: run {latest.run_id} in {environment}: "
                    f"{latest.error_rate:.1%} of its cases failed (threshold {threshold.value:.1%})"
                )
            baseline = [r.seconds for r in runs[-1 - threshold.runs : -1]]
            if threshold.kind == "duration" and baseline:
                limit = threshold.value * median(baseline)
                if latest.seconds > limit:
                    alerts.append(
                        f"duration: run {latest.run_id} in {environment} took "
                        f"{latest.seconds:.2f} s, above {threshold.value:g} x the median "
                        f"({median(baseline):.2f} s) of the {len(baseline)} run(s) before it"
                    )
    return alerts
