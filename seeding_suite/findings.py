"""Findings: a manifest's mistakes as data, and their one-paragraph rendering (DESIGN §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

FieldPath = tuple[str | int, ...]
Severity = Literal["error", "warning", "info"]


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
class Exempted:
    """The reviewed exemption that covers a finding: why it is accepted, by whom, and where
    the exemption is written (`file`, 1-based `line`). An exempted finding fails nothing and
    is not listed; SARIF carries it as a suppressed result, so code scanning shows it closed
    with its justification instead of losing it."""

    reason: str
    approved_by: str | None
    file: str
    line: int | None

    def to_data(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "approved_by": self.approved_by,
            "file": self.file,
            "line": self.line,
        }


@dataclass(frozen=True)
class Finding:
    """One problem in one manifest: where it is (file, 1-based line/column, field) and what.

    Only an `error` fails its check; a `warning` or `info` finding (the security check's) is
    reported on a passing item. `rule` names the rule that found it, where a check has several.
    """

    check: str
    file: str
    message: str
    path: FieldPath = ()
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    rule: str | None = None
    exempted: Exempted | None = None

    @property
    def text(self) -> str:
        """The message, with its severity and rule when it has a rule."""
        return (
            self.message if self.rule is None else f"{self.severity} [{self.rule}] {self.message}"
        )

    def to_data(self) -> dict[str, Any]:
        """JSON data (a report attribute crosses from an xdist worker as JSON)."""
        return {
            "check": self.check,
            "file": self.file,
            "message": self.message,
            "path": list(self.path),
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "rule": self.rule,
            "exempted": None if self.exempted is None else self.exempted.to_data(),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Finding:
        exempted = data.get("exempted")
        return cls(
            **{
                **data,
                "path": tuple(data["path"]),
                "exempted": None if exempted is None else Exempted(**exempted),
            }
        )

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = format_path(self.path)
        return f"{where}: {field}: {self.text}" if field else f"{where}: {self.text}"


def render_all(findings: Sequence[Finding]) -> str:
    """All findings of one check, one paragraph each."""
    return "\n".join(f.render() for f in findings)
