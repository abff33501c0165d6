"""`report --format json`: every panel as JSON, for other tools."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seeding_suite.reports.build import Report


def render_json(report: Report) -> str:
    return json.dumps(dataclasses.asdict(report), indent=2, sort_keys=True) + "\n"
