"""Findings: a manifest's mistakes as data, and their one-paragraph rendering (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

FieldPath = tuple[str | int, ...]


def format_path(path: FieldPath) -> str:
    """Render a field path the way users write it: `actions[2].connection`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Finding:
    """One problem in one manifest: where it is (file, 1-based line/column, field) and what."""

    check: str
    file: str
    message: str
    path: FieldPath = ()
    line: int | None = None
    column: int | None = None

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = format_path(self.path)
        return f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"


def render_all(findings: Sequence[Finding]) -> str:
    """All findings of one check, one paragraph each."""
    return "\n".join(f.render() for f in findings)
