"""Reading a generated catalog.generated.ts back: its object literal is JSON (render.py)."""

from __future__ import annotations

import json
import re
from typing import Any

LITERAL = re.compile(r"^const bundle = (\{.*\}) satisfies Bundle;$", re.DOTALL | re.MULTILINE)


def read_bundle(text: str) -> dict[str, Any]:
    """The bundle object of a generated module's text."""
    found = LITERAL.search(text)
    assert found is not None, "not a generated bundle module"
    bundle: dict[str, Any] = json.loads(found[1])
    return bundle
