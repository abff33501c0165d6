"""The SARIF 2.1.0 JSON Schema, as Microsoft's SARIF SDK ships it in an npm package.

`@microsoft/jest-sarif` (a dev dependency in package.json, installed by `make test`) carries
the schema its matchers validate with: read from node_modules, never fetched at test time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA = (
    Path(__file__).parents[2]
    / "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"
)


def sarif_errors(document: Any) -> list[str]:
    """Every way `document` breaks the SARIF 2.1.0 schema (empty: it is valid SARIF)."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
