"""A history of audit logs for the report's tests: a few real runs, the rest derived from them.

`real_runs` runs the real plugin (pytester) once per environment on a small catalog, each with
its own embedded store. `synthesise` writes further runs by editing copies of those real logs
(ElementTree, the format junitxml wrote): run properties, seed actions and versions, document
counts, times and failures. It keeps its own account of what it wrote (`Expected`), so the
tests compare the report with the generator's data, never with the report's own model.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tests.support.project import manifest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.project import Project

ENVIRONMENTS = ("development", "staging", "production")
INTEGRATIONS = ("core", "stripe", "monday", "zendesk")
# A message as hostile as a manifest can make it: markup, a percent sign, a newline.
HOSTILE = "description: <script>alert('x')</script> 100% wrong,\nsee: docs"


@dataclass
class Expected:
    """What the generator wrote: runs oldest first, and what each environment holds."""

    runs: list[dict[str, object]] = field(default_factory=list)
    held: dict[tuple[str, str], str] = field(default_factory=dict)  # (integration, env) -> version
    health: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def latest(self) -> dict[str, object]:
        return self.runs[-1]


def real_runs(project: Project) -> dict[str, Path]:
    """One real seeding run per environment; their audit logs by environment."""
    for mid in INTEGRATIONS:
        project.write(mid, manifest(mid, "1.0.0"))
    logs = {}
    for env in ENVIRONMENTS:
        xml = project.pytester.path / f"real-{env}.xml"
        result = project.pytester.runpytest(
            "-p",
            "no:cacheprovider",
            f"--junitxml={xml}",
            "--seed-env",
            env,
            "--confirm-production",
            f"--seeding-db=.seeding/{env}.sqlite3",
        )
        assert result.ret == 0, result.stdout.str()
        logs[env] = xml
    return logs


def _props(element: ET.Element) -> ET.Element:
    found = element.find("properties")
    assert found is not None
    return found


def _set(props: ET.Element, name: str, value: object) -> None:
    for prop in props.iterfind("property"):
        if prop.get("name") == name:
            prop.set("value", str(value))
            return
    ET.SubElement(props, "property", {"name": name, "value": str(value)})


def _drop(props: ET.Element, name: str) -> None:
    for prop in list(props.iterfind("property")):
        if prop.get("name") == name:
            props.remove(prop)


def synthesise(
    real: dict[str, Path], out: Path, count: int, seed: int = 17
) -> tuple[list[Path], Expected]:
    """`count` runs, round-robin over the environments, each a copy of that environment's real
    log with new properties, actions, versions and times (the first three create everything);
    the one before last is slow, the last fails zendesk's schema check with HOSTILE and
    updates stripe and monday."""
    rng = random.Random(seed)
    expected = Expected()
    versions = {(mid, env): 0 for mid in INTEGRATIONS for env in ENVIRONMENTS}
    start = datetime(2026, 11, 1, tzinfo=UTC)
    paths = []
    for index in range(count):
        env = ENVIRONMENTS[index % len(ENVIRONMENTS)]
        tree = ET.parse(real[env])
        root = tree.getroot()
        suite = root.find("testsuite")
        assert suite is not None
        run_id = f"{(start + timedelta(hours=index)):%Y%m%dT%H%M%S}Z-{index:08x}"
        started = start + timedelta(hours=index)
        seconds = 0.25 * rng.randint(4, 16) if index != count - 2 else 30.0  # one slow run
        last = index == count - 1
        changed = {"stripe": "updated", "monday": "updated"} if last else {}
        if not last and index >= len(ENVIRONMENTS):
            for mid in INTEGRATIONS:
                if rng.random() < 0.2:
                    changed[mid] = "updated"
        failing = "zendesk" if last or rng.random() < 0.15 else None
        actions: dict[str, str] = {}
        for case in list(suite.iter("testcase")):
            props = _props(case)
            mid = {p.get("name"): p.get("value") for p in props}["integration"]
            assert mid is not None
            key = (mid, env)
            for outcome in case.findall("*"):  # the real run's own outcome is rewritten below
                if outcome.tag in ("skipped", "failure", "error"):
                    case.remove(outcome)
            if case.get("name") != "seed":
                case.set("time", "0.010")
                if failing == mid and case.get("name") == "schema":
                    message = f"manifests/{mid}.yaml:3:10: {HOSTILE}"
                    ET.SubElement(case, "failure", {"message": message}).text = message
                continue
            case.set("time", f"{seconds / 4:.3f}")
            for name in (
                "documents_created",
                "documents_updated",
                "documents_deleted",
                "documents_unchanged",
                "previous_version",
                "reason",
            ):
                _drop(props, name)
            if failing == mid:
                action = "skipped"
                _set(props, "action", action)
                _set(props, "reason", "not seeded: check schema failed")
                case.append(ET.Element("skipped", {"message": "not seeded: check schema failed"}))
            else:
                action = "created" if index < len(ENVIRONMENTS) else changed.get(mid, "unchanged")
                if action == "updated":
                    _set(props, "previous_version", f"1.{versions[key]}.0")
                    versions[key] += 1
                _set(props, "action", action)
                written = 3 if action != "unchanged" else 0
                _set(props, "documents_created", written if action == "created" else 0)
                _set(props, "documents_updated", written if action == "updated" else 0)
                _set(props, "documents_deleted", 0)
                _set(props, "documents_unchanged", 3 - written)
                expected.held[key] = f"1.{versions[key]}.0"
            _set(props, "version", f"1.{versions[key]}.0")
            actions[mid] = action
            expected.health[key] = "failing" if failing == mid else "ok"
        sprops = _props(suite)
        _set(sprops, "run_id", run_id)
        _set(sprops, "started_at", started.isoformat())
        _set(sprops, "finished_at", (started + timedelta(seconds=seconds)).isoformat())
        for name in ("created", "updated", "unchanged", "skipped"):
            _set(sprops, name, sum(1 for a in actions.values() if a == name))
        _set(
            sprops,
            "documents_written",
            3 * sum(1 for a in actions.values() if a in ("created", "updated")),
        )
        _set(sprops, "convex_calls", 10 + index % 7)
        _set(sprops, "checks_reused", rng.randint(0, 20))
        path = out / f"seeding-{run_id}.xml"
        tree.write(path, encoding="utf-8", xml_declaration=True)
        paths.append(path)
        expected.runs.append(
            {
                "run_id": run_id,
                "environment": env,
                "seconds": seconds,
                "changed": sorted(m for m, a in actions.items() if a in ("created", "updated")),
                "failing": failing,
            }
        )
    return paths, expected
