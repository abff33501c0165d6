"""The PRD's package.json scripts that need no Convex deployment, run for real with npm.

The `convex run integrations/init` ones are run under convex-test by
convex/integrations/scripts.test.ts (their function and arguments).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.project import PYPROJECT, manifest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "tests" / "fixtures" / "catalog"
NPM = shutil.which("npm")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """An app holding the project's package.json and the shipped catalog."""
    shutil.copy(ROOT / "package.json", tmp_path / "package.json")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copytree(SHIPPED, tmp_path / "manifests")
    return tmp_path


def npm_run(app: Path, script: str) -> subprocess.CompletedProcess[str]:
    assert NPM is not None
    # seeding-suite on PATH, as in a project whose virtualenv is active.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path}
    env.pop("SEEDING_ENV", None)
    return subprocess.run(
        [NPM, "run", "--silent", script],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(NPM is None, reason="npm is not installed")
def test_validate_manifests_runs_the_checks(app: Path) -> None:
    done = npm_run(app, "validate:manifests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 manifests checked in development: 7 ok, 0 invalid (0 errors)" in done.stdout


@pytest.mark.skipif(NPM is None, reason="npm is not installed")
def test_validate_manifests_fails_on_a_bad_manifest(app: Path) -> None:
    (app / "manifests" / "monday.yaml").write_text(manifest("monday", connection="api-kee"))
    done = npm_run(app, "validate:manifests")
    assert done.returncode != 0
    assert "monday (manifests/monday.yaml): 1 error" in done.stdout
