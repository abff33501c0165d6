"""The official `convex` npm client (ConvexHttpClient) gets Convex's envelopes from `serve`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.served import Served

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("official_client.mjs")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_official_convex_client_talks_to_serve(served: Served) -> None:
    assert (ROOT / "node_modules" / "convex").is_dir(), "run `npm ci` (make test does)"
    done = subprocess.run(
        ["node", str(SCRIPT), served.url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["mutation"] == {"outcomes": ["created"], "replayed": False}
    assert out["query"]["docs"][0]["naturalKey"] == "npm"
    assert out["convexError"]["name"] == "ConvexError"
    assert out["convexError"]["data"]["code"] == "PRECONDITION_FAILED"
    assert "Could not find public function for 'seeding:readState'" in out["anonymous"]
    assert served.key not in done.stdout + done.stderr
