"""The JSON Schema of manifest format v1, for editors and other tools (DESIGN §4).

Generated from the pydantic model, so the two cannot drift; a test keeps the committed copy
(`manifest.schema.json`) equal to what this module generates.
"""

from __future__ import annotations

import json
from typing import Any

from seeding_suite.model import Manifest

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://seeding-suite.dev/schemas/manifest-v1.schema.json"
DESCRIPTION = (
    "One integration manifest for seeding-suite, format version 1. The file's stem must equal "
    "`id`. Unknown keys are errors. Checks the schema alone cannot express (unique ids, "
    "connection references, dependencies, valid embedded schemas) run in seeding-suite."
)


def manifest_json_schema() -> dict[str, Any]:
    """The format's JSON Schema (Draft 2020-12), editor-friendly."""
    schema = Manifest.model_json_schema(mode="validation")
    schema = {"$schema": DIALECT, "$id": SCHEMA_ID, **schema, "description": DESCRIPTION}
    for definition in [schema, *schema.get("$defs", {}).values()]:
        if definition.get("type") == "object":
            definition["additionalProperties"] = False
    return schema


def manifest_json_schema_text() -> str:
    """The schema as committed: 2-space indent, sorted keys, trailing newline."""
    return json.dumps(manifest_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
