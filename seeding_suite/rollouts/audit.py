"""The audit log of a rollout run: a JUnit XML file, one testcase per rollout acted on.

Like a seeding run's (plugin/audit_log.py), it sits in reports/ and names its run; a rollback
is a failing testcase whose message says why (the gate, its figures), so a CI job that runs
`tick` shows the rolled-back rollout as a failure.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.rollouts.store import RunContext, Written

FOLDER = "reports"


def _when(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000.0, UTC).isoformat()


def _properties(parent: ET.Element, values: dict[str, object]) -> None:
    element = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(element, "property", name=name, value="" if value is None else str(value))


def write_audit_log(folder: Path, written: Written, context: RunContext, target: str) -> Path:
    """Write reports/rollout-<run id>.xml and return its path."""
    failures = sum(1 for c in written.changes if c.action == "rolled_back")
    suite = ET.Element(
        "testsuite",
        name="seeding-suite rollout",
        tests=str(len(written.changes)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{(written.finished_at - written.started_at) / 1000.0:.3f}",
        timestamp=_when(written.started_at),
    )
    _properties(
        suite,
        {
            "run_id": written.run_id,
            "command": context.command,
            "target": target,
            "actor": context.actor,
            "harness_version": context.harness_version,
            "started_at": _when(written.started_at),
            "finished_at": _when(written.finished_at),
        },
    )
    for change in written.changes:
        rollout = change.rollout
        case = ET.SubElement(
            suite, "testcase", classname="rollout", name=f"{rollout.id}@{rollout.environment}"
        )
        _properties(
            case,
            {
                "integration": rollout.integration,
                "environment": rollout.environment,
                "version": rollout.fields.get("version"),
                "action": change.action,
                "status": change.state["status"],
                "from_percent": change.from_percent,
                "to_percent": change.to_percent,
                "forced": str(change.forced).lower(),
                "reason": change.reason,
            },
        )
        if change.action == "rolled_back":
            ET.SubElement(case, "failure", message=change.reason).text = change.reason
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"rollout-{written.run_id}.xml"
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
    return path
