"""Which audit logs a report reads, and the history they make with a target's run records.

Given nothing, every `*.xml` under `reports/`; given files or folders, those. A path that does
not exist, a folder without a `.xml` file, a file that is not an audit log, or no log at all is
an error: an empty or partial report would read as "nothing happened".
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.reports.junit import read_audit_log
from seeding_suite.reports.model import History, Run

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

DEFAULT_FOLDER = "reports"


def audit_log_paths(root: Path, given: Sequence[str], *, records: bool = False) -> list[Path]:
    """The files to read, in a stable order; ConfigurationError for what cannot be read.

    With `records` (a target's run records will be read), a missing default folder is no
    error: the records alone make a history. A path given is always required.
    """
    if not given and records and not (root / DEFAULT_FOLDER).exists():
        return []
    named = [root / p for p in given] if given else [root / DEFAULT_FOLDER]
    files: list[Path] = []
    for path in named:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.xml") if p.is_file())
            if not found:
                raise ConfigurationError(f"{path}: no audit log (*.xml) in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigurationError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


def load_history(paths: Iterable[Path], records: Iterable[Run] = ()) -> History:
    """Every run, oldest first; a run known from a log and a record keeps the log's detail
    and the record's status."""
    runs: dict[str, Run] = {}
    for path in paths:
        run = read_audit_log(path)
        runs.setdefault(run.run_id, run)  # the same log copied twice is one run
    for record in records:
        known = runs.get(record.run_id)
        runs[record.run_id] = record if known is None else replace(known, status=record.status)
    if not runs:
        raise ConfigurationError("no seeding run to report: no audit log and no run record")
    return History(tuple(sorted(runs.values(), key=lambda r: (r.started_at, r.run_id))))
