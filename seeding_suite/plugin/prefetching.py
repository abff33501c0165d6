"""When to fork children that work ahead: the checks (CheckRunner.fork_ahead), the stage's loads.

Only where it is safe and pays: a run that executes its items here (not an xdist worker or
controller, not --collect-only), with fork available and no other thread alive (a forked child
only inherits the calling thread; any lock another thread holds would stay held in it), not
under a debugger (a breakpoint in a check must stop where the user is), and for `auto` only
when the catalog has enough files to repay starting the children. The check children are
forked before collection, when the run's arguments reach the catalog, and dealt the selected
items' files after it.
"""

from __future__ import annotations

import argparse
import os
import threading
from typing import TYPE_CHECKING

import pytest

from seeding_suite.plugin.collect import CheckItem, SeedItem
from seeding_suite.plugin.options import processes

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.plugin.collector import CollectorSettings
    from seeding_suite.runner import CheckRunner

AUTO_MIN_FILES = 32  # catalog files; below this, forking costs more than it saves
AUTO_MAX_PROCESSES = 8  # beyond this the parent's own pytest work is the bound


def fork_ahead(session: pytest.Session, runner: CheckRunner, collector: CollectorSettings) -> None:
    """Before collection: fork the children that will check ahead, when it is safe and pays."""
    config = session.config
    if not _safe(config) or not _collects(config, runner.catalog.roots):
        return  # before listing the catalog: --collect-only and xdist runs need not
    count = processes_for(config, len(runner.catalog.files()))
    if count > 0:
        collector.freeze()  # the children inherit a frozen heap and the run's thresholds
        runner.fork_ahead(count)


def deal_ahead(session: pytest.Session, runner: CheckRunner) -> bool:
    """After collection: the children get the selected items' files (and exit if none).

    Answers whether any manifest check was collected.
    """
    checks = _checks_by_file(session.items, runner.names)
    runner.check_ahead(checks)
    return bool(checks)


def processes_for(config: pytest.Config, files: int) -> int:
    """Forked processes for work on `files` files, started now (0: work in this process)."""
    wanted = wanted_processes(config)
    if wanted == 0 or files == 0 or not _safe(config):
        return 0
    return wanted if wanted is not None else _auto(files)


def wanted_processes(config: pytest.Config) -> int | None:
    """--check-processes, else the ini value (None: auto); a bad ini value is a UsageError."""
    option: int | None = config.option.check_processes
    if option is not None:
        return option
    raw = str(config.getini("seeding_check_processes")).strip()
    try:
        return processes(raw)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"seeding_check_processes: {exc} or auto") from exc


def _safe(config: pytest.Config) -> bool:
    return (
        hasattr(os, "fork")
        and not hasattr(config, "workerinput")
        and getattr(config.option, "numprocesses", None) in (None, 0)
        and not config.option.collectonly
        and not config.option.usepdb
        and not getattr(config.option, "trace", False)
        and threading.active_count() == 1
    )


def _auto(files: int) -> int:
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    return min(cores, AUTO_MAX_PROCESSES) if files >= AUTO_MIN_FILES and cores > 1 else 0


def _collects(config: pytest.Config, roots: Sequence[Path]) -> bool:
    """Whether the run's arguments reach into a catalog root (else it collects no manifest)."""
    base = config.invocation_params.dir
    for arg in config.args:
        path = (base / arg.partition("::")[0]).resolve()
        if any(path.is_relative_to(root) or root.is_relative_to(path) for root in roots):
            return True
    return False


def _checks_by_file(items: list[pytest.Item], checks: Sequence[str]) -> dict[Path, list[str]]:
    """The files of the selected items, in item order, with the checks they need: a check
    item its own, a seed item all of its file's (the stage runs those not selected)."""
    names: dict[Path, list[str]] = {}
    for item in items:
        if isinstance(item, CheckItem):
            names.setdefault(item.path, []).append(item.name)
        elif isinstance(item, SeedItem):
            wanted = names.setdefault(item.path, [])
            wanted.extend(name for name in checks if name not in wanted)
    return names
