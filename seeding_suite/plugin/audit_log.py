"""Where a run's audit log goes by default, and the retention that keeps reports/ bounded.

The audit log (DESIGN §8) records what a run did to a target. A run that cannot write (a
validate-only run, `-m "not seed"`, a selection without a seed item, or `--plan`) has nothing
to audit: it writes no file unless
`--junitxml` asks for one. A run that seeds writes `reports/seeding-<run id>.xml`, and then only
the newest `seeding_reports_keep` of those files stay (0 keeps every one). Retention removes
only files this harness wrote by default: the name has a run id's shape and the file records
that same run id as its `run_id` property. A file named with `--junitxml`, or any other file in
reports/, is never touched. The target's `seedingRuns` table keeps every run regardless.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    from pathlib import Path

FOLDER = "reports"
KEEP_INI = "seeding_reports_keep"
KEEP_DEFAULT = 100
_NAME = re.compile(r"seeding-(\d{8}T\d{6}Z-[0-9a-f]{8})\.xml")
_HEAD_BYTES = 64 * 1024  # suite properties come first in a JUnit file; the run id among them


def default_path(rootdir: Path, run_id: str) -> Path:
    """The audit log of a seeding run: one file per run, named so runs sort by time."""
    return rootdir / FOLDER / f"seeding-{run_id}.xml"


def keep_setting(raw: object) -> int:
    """ini `seeding_reports_keep`: a whole number, 0 for "keep every audit log"."""
    text = str(raw).strip()
    if not text.isdigit():
        raise ConfigurationError(f"{KEEP_INI} must be a whole number (0 keeps all), got {raw!r}")
    return int(text)


def written_by_us(path: Path) -> bool:
    """Whether `path` is a default audit log: its name's run id is its own `run_id` property."""
    match = _NAME.fullmatch(path.name)
    if match is None or path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open("rb") as file:
            head = file.read(_HEAD_BYTES)
    except OSError:
        return False
    return f'<property name="run_id" value="{match[1]}"'.encode() in head


def prune(folder: Path, keep: int, current: Path) -> None:
    """Remove the oldest default audit logs beyond the newest `keep`, this run's included
    (`keep` 0 removes nothing)."""
    if keep <= 0 or not folder.is_dir():
        return
    # Oldest first by when each was written: run ids order runs only to the second, and two
    # runs within one second would otherwise be ordered by their ids' random part.
    ours = sorted(
        (p for p in folder.iterdir() if p != current and written_by_us(p)),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
    )
    surplus = len(ours) + (1 if current.exists() else 0) - keep
    for path in ours[: max(surplus, 0)]:
        path.unlink(missing_ok=True)  # missing: a concurrent run pruned it first
