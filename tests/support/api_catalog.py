"""The benchmark's real-shaped catalog generator (bench/api_catalog.py), for tests.

bench/ is a scripts folder whose modules import each other by plain name, so it goes on the
import path here, once, rather than being copied or made a package.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

BENCH = str(Path(__file__).resolve().parents[2] / "bench")


def api_catalog() -> Any:
    """The module bench/api_catalog.py (`generate_api_catalog`, `api_manifest`, ...)."""
    if BENCH not in sys.path:
        sys.path.append(BENCH)
    return importlib.import_module("api_catalog")
