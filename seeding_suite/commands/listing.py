"""How a listing command prints its rows: JSON for scripts, or text lines and a count.

`runs`, `conflicts` and `rollout status` share this shape: `--json` writes the rows as they
are (sorted keys, so a diff of two outputs shows what changed), otherwise each row's lines and
then one line counting them.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

Row = TypeVar("Row")


def print_listing(
    rows: Sequence[Row], as_json: bool, lines: Callable[[Row], Iterable[str]], noun: str
) -> int:
    """Print `rows` (JSON, or `lines` of each and `N noun(s)`); the command's exit code, 0."""
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, sort_keys=True) + "\n")
        return 0
    for row in rows:
        for line in lines(row):
            print(line)
    print(f"{len(rows)} {noun}(s)")
    return 0
