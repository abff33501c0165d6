"""approvals.toml: exact id, version and bytes; a malformed file stops the run clearly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.approvals import load_approvals

if TYPE_CHECKING:
    from pathlib import Path

DIGEST = "ab" * 32
APPROVAL = f"""
[[approval]]
id = "acme-crm"
version = "1.2.0"
sha256 = "{DIGEST}"
approved_by = "dana"
reason = "reviewed in the sandbox"
"""


def test_an_approval_covers_exactly_its_id_version_and_bytes(tmp_path: Path) -> None:
    (tmp_path / "approvals.toml").write_text(APPROVAL)
    approvals = load_approvals(tmp_path)
    assert approvals.covers("acme-crm", "1.2.0", DIGEST)
    assert not approvals.covers("acme-crm", "1.2.1", DIGEST)
    assert not approvals.covers("acme-crm", "1.2.0", "cd" * 32)  # the file changed
    assert not approvals.covers("acme-erp", "1.2.0", DIGEST)


def test_no_file_approves_nothing_and_a_configured_path_is_read(tmp_path: Path) -> None:
    assert not load_approvals(tmp_path).covers("acme-crm", "1.2.0", DIGEST)
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "ok.toml").write_text(APPROVAL)
    (tmp_path / "pyproject.toml").write_text('[tool.seeding_suite]\napprovals = "review/ok.toml"\n')
    assert load_approvals(tmp_path).covers("acme-crm", "1.2.0", DIGEST)
    (tmp_path / "review" / "ok.toml").unlink()
    with pytest.raises(
        ConfigurationError, match=re.escape("approvals file 'review/ok.toml' not found")
    ):
        load_approvals(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (APPROVAL.replace("approved_by", "aproved_by"), "did you mean 'approved_by'?"),
        (APPROVAL.replace(DIGEST, "not-hex"), "sha256 must be 64 lowercase hex digits"),
        (APPROVAL.replace('reason = "reviewed in the sandbox"', ""), "reason must be"),
        (APPROVAL.replace("[[approval]]", "[[aproval]]"), "did you mean 'approval'?"),
        ("[[approval", "approvals file approvals.toml:"),
    ],
)
def test_a_malformed_approvals_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "approvals.toml").write_text(text)
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_approvals(tmp_path)
