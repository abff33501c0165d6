"""Path options must never change what pytest runs (`--seeding-db /elsewhere/x.sqlite3`).

pytest picks its rootdir and config file before it knows any plugin's options: in
`--seeding-db /elsewhere/x.sqlite3` it reads the value as a test path. When that file exists
outside the project, the rootdir became `/elsewhere`: no config file, no `testpaths`, and the
run collected the project's own tests instead of its catalog. A plugin cannot take part in
that decision, so the run compares it with the one pytest makes without those values and
stops with one line naming the `--opt=PATH` form when they differ. `--opt=PATH` is one
argument that pytest's early pass sets aside as an unknown option, so it is always safe.
"""

from __future__ import annotations

import inspect
import itertools
import os
import shlex
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.config.findpaths import determine_setup

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def check_rootdir(config: pytest.Config, options: Sequence[str]) -> None:
    """Raise UsageError if a value of one of `options` moved pytest's rootdir or config file."""
    given = _env_args() + list(config.invocation_params.args)
    here = config.invocation_params.dir
    taken = [
        (option, value)
        for option, value in itertools.pairwise(given)
        if option in options and not value.startswith("-") and (here / value).exists()
    ]
    if not taken:
        return
    rootpath, inipath = _setup_without(config)
    if (rootpath, inipath) == (config.rootpath, config.inipath):
        return
    option, value = taken[0]
    raise pytest.UsageError(
        f"{option} {value}: pytest read this path as a test path and took {config.rootpath} "
        f"as its rootdir (not {rootpath}), so it would not run this project; "
        f"write {option}={value}"
    )


def _env_args() -> list[str]:
    return shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))


def _setup_without(config: pytest.Config) -> tuple[Path, Path | None]:
    """The rootdir and config file pytest finds from the run's real positional arguments."""
    option = config.option
    kwargs: dict[str, Any] = {
        "inifile": option.inifilename,
        "args": list(option.file_or_dir or ()),
        "rootdir_cmd_arg": option.rootdir or None,
        "invocation_dir": config.invocation_params.dir,
    }
    if "override_ini" in inspect.signature(determine_setup).parameters:  # pytest >= 9
        kwargs["override_ini"] = option.override_ini
    found = determine_setup(**kwargs)
    return found[0], found[1]
