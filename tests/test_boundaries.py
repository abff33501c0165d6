"""Boundaries a static linter cannot see: what importing the engine actually loads, the public
surfaces, and the docs naming every command, option and marker users can type."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import fakes.convex
import fakes.registry
import seeding_suite.client
from seeding_suite.cli import build_parser
from seeding_suite.plugin import CHECK_MARKERS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "module",
    [
        "seeding_suite.engine.seeder",
        "seeding_suite.discovery.catalog",
        "seeding_suite.targets.open",
        "seeding_suite.commands",
        "fakes.convex",
        "seeding_suite.sources.registries.pinned",
        "fakes.registry",
    ],
)
def test_importing_the_engine_does_not_import_pytest(module: str) -> None:
    code = f"import sys, {module}; print('pytest' in sys.modules or '_pytest' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("package", [fakes.convex, fakes.registry, seeding_suite.client])
def test_public_names_are_complete_and_real(package: ModuleType) -> None:
    # ruff (RUF022) keeps __all__ sorted; here: nothing exported by accident or forgotten.
    names = set(package.__all__)
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"
    }
    assert names == public


def test_every_subcommand_is_documented() -> None:
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    for command in subparsers.choices:  # type: ignore[union-attr]
        assert f"seeding-suite {command}" in README, command


def test_every_pytest_option_and_marker_is_documented() -> None:
    source = (ROOT / "seeding_suite" / "plugin" / "options.py").read_text(encoding="utf-8")
    options = re.findall(r'"(--[a-z][a-z-]+)"', source)
    assert options, "no options found"
    missing = [o for o in options if o not in README]
    assert missing == []
    for marker in [*CHECK_MARKERS, "seed", "reseed"]:
        assert f"`{marker}`" in README, marker


def test_the_tests_cannot_read_the_live_manifests_folder() -> None:
    """An edit in progress under manifests/ can never break `make test`: reading it fails."""
    live = ROOT / "manifests"
    with pytest.raises(RuntimeError, match="live manifests folder"):
        list(live.iterdir())
    with pytest.raises(RuntimeError, match="live manifests folder"):
        (live / "stripe.yaml").read_bytes()
    assert (ROOT / "pyproject.toml").read_bytes()  # the rest of the repository stays readable


def test_a_catalog_of_folders_never_loads_python_tuf() -> None:
    """The registry kind imports its TUF machinery when a registry is listed, not before."""
    code = (
        "import sys, pathlib, seeding_suite.discovery.catalog as c, seeding_suite.sources as s; "
        "c.Catalog([s.folder_source(pathlib.Path('m').resolve(), pathlib.Path.cwd())], "
        "pathlib.Path.cwd()).files(); print('tuf' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
