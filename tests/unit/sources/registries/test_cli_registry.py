"""The maintainer's tools and install/update through the CLI, over `python -m http.server`.

A registry is built with `seeding-suite registry ...` in a folder, served as static files on
loopback, and a project installs and updates from it, exactly the README's worked example.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from seeding_suite.cli import main
from seeding_suite.sources.registries import maintain
from tests.support.project import manifest
from tests.support.registry import market_pyproject, serve_directory


@dataclass
class Market:
    dir: Path
    keys: Path
    url: str
    project: Path

    def add(self, mid: str, version: str, signature: bytes | None = b"sig\n") -> Path:
        path = self.dir.parent / "incoming" / f"{mid}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(manifest(mid, version))
        sig = path.with_name(path.name + ".minisig")
        sig.unlink(missing_ok=True)
        if signature is not None:
            sig.write_bytes(signature)
        assert main(["registry", "add", str(self.dir), str(path), "--keys", str(self.keys)]) == 0
        return path

    def lock(self) -> list[dict[str, str]]:
        data = tomllib.loads((self.project / "marketplace.lock").read_text())
        return list(data["integration"])


@pytest.fixture
def market(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Market]:
    directory, keys, project = tmp_path / "market", tmp_path / "keys", tmp_path / "project"
    assert main(["registry", "init", str(directory), "--keys", str(keys)]) == 0
    assert (
        main(
            ["registry", "delegate", str(directory), "acme", "--ids", "acme-*", "--keys", str(keys)]
        )
        == 0
    )
    with serve_directory(directory) as url:
        pinned = project / "registries" / "acme-market" / "root.json"
        pinned.parent.mkdir(parents=True)
        pinned.write_bytes((directory / "metadata" / "1.root.json").read_bytes())
        (project / "pyproject.toml").write_text(market_pyproject("", url))
        monkeypatch.chdir(project)
        yield Market(directory, keys, url, project)


def test_install_pins_the_newest_version_in_range_and_update_moves_it(
    market: Market, capsys: pytest.CaptureFixture[str]
) -> None:
    for version in ("1.0.0", "1.2.0", "2.0.0"):
        market.add("acme-crm", version)
    assert main(["install", "acme-crm@^1.0", "--source", "acme-market"]) == 0
    assert "installed acme-crm 1.2.0 from acme-market (range ^1.0" in capsys.readouterr().out
    (pin,) = market.lock()
    cached = market.project / ".seeding/registries/acme-market/files/acme-crm/1.2.0/acme-crm.yaml"
    assert pin == {
        "id": "acme-crm",
        "version": "1.2.0",
        "sha256": hashlib.sha256(cached.read_bytes()).hexdigest(),
        "source": "acme-market",
        "range": "^1.0",
    }
    assert cached.with_name("acme-crm.yaml.minisig").read_bytes() == b"sig\n"
    market.add("acme-crm", "1.3.0")
    assert main(["update"]) == 0
    out = capsys.readouterr().out
    assert "acme-crm 1.2.0 -> 1.3.0 from acme-market" in out
    assert market.lock()[0]["version"] == "1.3.0"
    assert main(["update", "acme-crm"]) == 0
    assert "0 pin(s) moved, 1 already the newest in range" in capsys.readouterr().out


def test_install_without_a_range_pins_a_caret_range_of_the_newest(market: Market) -> None:
    market.add("acme-crm", "1.0.0")
    market.add("acme-crm", "2.0.0")
    assert main(["install", "acme-crm", "--source", "acme-market"]) == 0
    assert market.lock()[0]["range"] == "^2.0.0"
    assert market.lock()[0]["version"] == "2.0.0"


def test_ids_outside_every_publishers_globs_are_signed_by_the_top_level_role(
    market: Market, capsys: pytest.CaptureFixture[str]
) -> None:
    market.add("acme-crm", "1.0.0")
    assert "signed by role acme" in capsys.readouterr().out
    market.add("globex-mail", "0.1.0", signature=None)
    assert "added globex-mail 0.1.0 (unsigned), signed by role targets" in capsys.readouterr().out
    assert main(["install", "globex-mail", "--source", "acme-market"]) == 0


def test_a_published_version_cannot_be_republished_with_other_bytes(
    market: Market, capsys: pytest.CaptureFixture[str]
) -> None:
    path = market.add("acme-crm", "1.0.0")
    path.write_text(manifest("acme-crm", "1.0.0") + "# changed\n")
    args = ["registry", "add", str(market.dir), str(path), "--keys", str(market.keys)]
    assert main(args) == 2
    assert "acme-crm 1.0.0 is already published with other content" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["install", "acme-crm", "--source", "acme-markt"], "did you mean 'acme-market'?"),
        (["install", "acme-crm@^3", "--source", "acme-market"], "versions: 1.0.0"),
        (["install", "acme-crm@not a range", "--source", "acme-market"], "acme-crm@not a range"),
        (["install", "Acme", "--source", "acme-market"], "not an integration id"),
        (["install", "acme-erp", "--source", "acme-market"], "acme-erp/index.json"),
        (["update", "acme-erp"], "not installed (not in marketplace.lock): acme-erp"),
    ],
)
def test_install_and_update_refuse_with_one_line_and_exit_2(
    market: Market, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    market.add("acme-crm", "1.0.0")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert not (market.project / "marketplace.lock").exists()


def test_a_refused_registry_leaves_the_lock_as_it_was(market: Market) -> None:
    market.add("acme-crm", "1.0.0")
    assert main(["install", "acme-crm@*", "--source", "acme-market"]) == 0
    before = (market.project / "marketplace.lock").read_bytes()
    market.add("acme-crm", "1.1.0")
    for stored in (market.dir / "targets" / "acme-crm" / "1.1.0").iterdir():
        stored.write_bytes(stored.read_bytes() + b"# tampered on the server\n")
    assert main(["update"]) == 2
    assert (market.project / "marketplace.lock").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["delegate", "{dir}", "targets", "--ids", "x-*"], "cannot name a publisher role"),
        (["delegate", "{dir}", "evil", "--ids", "../*"], "id globs are"),
        (["delegate", "{dir}", "acme", "--ids", "acme-*"], "publisher role 'acme' already"),
        (["init", "{dir}"], "is already a registry"),
        (["refresh", "{tmp}/nowhere"], "not a registry"),
    ],
)
def test_the_maintainers_tools_refuse_with_one_line(
    market: Market,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    filled = [a.format(dir=market.dir, tmp=market.dir.parent) for a in args]
    assert main(["registry", *filled, "--keys", str(market.keys)]) == 2
    assert message in capsys.readouterr().err


def test_keys_inside_the_served_directory_are_refused(
    market: Market, capsys: pytest.CaptureFixture[str]
) -> None:
    inside = market.dir / "keys"
    assert main(["registry", "refresh", str(market.dir), "--keys", str(inside)]) == 2
    assert "keep the keys outside the served directory" in capsys.readouterr().err
    assert not inside.exists()


def test_adding_without_the_publishers_key_is_refused(
    market: Market, capsys: pytest.CaptureFixture[str]
) -> None:
    (market.keys / "acme.pem").rename(market.dir.parent / "acme.pem")  # the publisher has it
    path = market.dir.parent / "acme-crm.yaml"
    path.write_text(manifest("acme-crm", "1.0.0"))
    assert main(["registry", "add", str(market.dir), str(path), "--keys", str(market.keys)]) == 2
    assert "the key of role 'acme' is not in" in capsys.readouterr().err


def test_a_project_follows_a_new_root_version_signed_by_the_old_root(market: Market) -> None:
    market.add("acme-crm", "1.0.0")
    assert main(["install", "acme-crm@*", "--source", "acme-market"]) == 0
    later = datetime.now(UTC) + timedelta(days=350)  # root (365 days) expires within 30
    assert "root" in maintain.refresh(market.dir, market.keys, now=later)
    market.add("acme-crm", "1.1.0")
    assert main(["update"]) == 0
    assert market.lock()[0]["version"] == "1.1.0"
    history = market.project / ".seeding/registries/acme-market/metadata/root_history"
    assert sorted(p.name for p in history.iterdir()) == ["1.root.json", "2.root.json"]
