"""tests/contract/schema.json is the Python fake's seeding schema; vitest compares it with
convex/schema.ts (convex/schema.test.ts). Regenerate with SEEDING_WRITE_SCHEMA=1."""

from __future__ import annotations

import json
import os
from pathlib import Path

from seeding_suite.targets.twin import seeding_schema

COMMITTED = Path(__file__).parent / "schema.json"


def test_the_committed_schema_export_is_current() -> None:
    current = json.dumps(seeding_schema().to_json(), indent=2, sort_keys=True) + "\n"
    if os.environ.get("SEEDING_WRITE_SCHEMA"):
        COMMITTED.write_text(current, encoding="utf-8")
    assert COMMITTED.read_text(encoding="utf-8") == current, "regenerate: SEEDING_WRITE_SCHEMA=1"
