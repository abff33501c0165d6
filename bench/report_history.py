"""A report history at the size the page must stay usable at: 10,000 integrations, 500 runs.

Audit logs in the shape the plugin writes (suite properties, a testcase per check with
integration/version/checksum, a seed testcase with its action and document counts). The three
newest runs (one per environment) checked and seeded the whole catalog of 10,000; the 497
before them seeded a selection of 20 (`pytest --integrations=...`), as the default retention
keeps no more than 100 full logs anyway. Written once into bench/out/ and reused with --keep.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

ENVIRONMENTS = ("development", "staging", "production")
CHECKS = ("parse", "schema", "references", "dependencies", "security", "idempotency", "signature")
INTEGRATIONS = 10_000
RUNS = 500
SELECTION = 20


def _props(parent: ET.Element, values: dict[str, object]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", {"name": name, "value": str(value)})


def _run(index: int, ids: list[str], env: str, rng: random.Random) -> ET.ElementTree:
    started = datetime(2026, 6, 1, tzinfo=UTC) + timedelta(hours=index)
    seconds = rng.uniform(20, 60) if len(ids) > SELECTION else rng.uniform(1, 4)
    root = ET.Element("testsuites", {"name": "pytest tests"})
    suite = ET.SubElement(root, "testsuite", {"name": "pytest", "tests": str(len(ids) * 8)})
    actions = {i: rng.choice(("unchanged", "unchanged", "updated")) for i in ids}
    failing = set(rng.sample(ids, max(1, len(ids) // 200)))
    _props(
        suite,
        {
            "run_id": f"{started:%Y%m%dT%H%M%S}Z-{index:08x}",
            "environment": env,
            "mode": "apply",
            "target": f"https://{env}.convex.example",
            "actor": "ci",
            "harness_version": "0.1.0",
            "started_at": started.isoformat(),
            "finished_at": (started + timedelta(seconds=seconds)).isoformat(),
            "checks_reused": rng.randint(0, len(ids) * 5),
            "updated": sum(1 for a in actions.values() if a == "updated"),
            "unchanged": sum(1 for a in actions.values() if a == "unchanged"),
            "skipped": len(failing),
            "documents_written": 3 * sum(1 for a in actions.values() if a == "updated"),
            "convex_calls": 10 + len(ids) // 100,
        },
    )
    for mid in ids:
        classname = f"manifests.{mid}.yaml"
        base = {"integration": mid, "version": "1.2.0", "checksum": f"c1:sha256:{mid:0>64}"}
        for check in CHECKS:
            case = ET.SubElement(
                suite, "testcase", {"classname": classname, "name": check, "time": "0.004"}
            )
            _props(case, base)
            if check == "schema" and mid in failing:
                message = f"manifests/{mid}.yaml:4:10: version: '1.x' is not a SemVer version"
                ET.SubElement(case, "failure", {"message": message}).text = message
        seed = ET.SubElement(suite, "testcase", {"classname": classname, "name": "seed"})
        if mid in failing:
            _props(seed, {**base, "action": "skipped", "reason": "not seeded: check schema failed"})
            ET.SubElement(seed, "skipped", {"message": "not seeded: check schema failed"})
        else:
            extra = {"previous_version": "1.1.0"} if actions[mid] == "updated" else {}
            _props(seed, {**base, "action": actions[mid], **extra, "documents_unchanged": 3})
    return ET.ElementTree(root)


def write_history(folder: Path, seed: int = 0) -> int:
    """Write the RUNS audit logs into `folder`; their total bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    catalog = [f"integration-{n:05d}" for n in range(INTEGRATIONS)]
    total = 0
    for index in range(RUNS):
        env = ENVIRONMENTS[index % len(ENVIRONMENTS)]
        full = index >= RUNS - len(ENVIRONMENTS)
        ids = catalog if full else sorted(rng.sample(catalog, SELECTION))
        path = folder / f"seeding-{index:04d}.xml"
        _run(index, ids, env, rng).write(path, encoding="utf-8", xml_declaration=True)
        total += path.stat().st_size
    return total
