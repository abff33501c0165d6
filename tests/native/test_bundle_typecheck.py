"""`tsc` fails when the generated bundle and convex/schema.ts disagree, whichever one changed.

Each case edits a temporary copy of convex/ and type-checks the generated module with the
project's own tsconfig (narrowed to that module and what it imports).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / "typescript" / "bin" / "tsc"
NODE = shutil.which("node")
GENERATED = "integrations/catalog.generated.ts"

pytestmark = pytest.mark.skipif(
    NODE is None or not TSC.is_file(), reason="node and `npm ci` (make test runs it) are needed"
)


@pytest.fixture
def convex(tmp_path: Path) -> Path:
    """A copy of convex/ with the project's node_modules, and a tsconfig for the bundle."""
    shutil.copytree(ROOT / "convex", tmp_path / "convex")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    config = {"extends": "./tsconfig.json", "include": [f"./{GENERATED}"]}
    (tmp_path / "convex" / "tsconfig.bundle.json").write_text(json.dumps(config))
    return tmp_path / "convex"


def tsc(convex: Path) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, str(TSC), "--noEmit", "-p", str(convex / "tsconfig.bundle.json")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_committed_bundle_type_checks(convex: Path) -> None:
    done = tsc(convex)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        # The schema gains a required field the bundle's documents lack.
        (
            "schema.ts",
            "    auth: v.string(),\n",
            "    auth: v.string(),\n    scopes: v.string(),\n",
        ),
        # The schema retypes a field.
        ("schema.ts", "secret: v.boolean()", "secret: v.string()"),
        # The bundle carries a field the schema does not have.
        (GENERATED, '"auth": ', '"authType": '),
    ],
    ids=["schema-adds-a-field", "schema-retypes-a-field", "bundle-renames-a-field"],
)
def test_tsc_fails_when_they_disagree(convex: Path, file: str, old: str, new: str) -> None:
    edit(convex / file, old, new)
    done = tsc(convex)
    assert done.returncode != 0
    assert f"{GENERATED}(" in done.stdout, done.stdout
