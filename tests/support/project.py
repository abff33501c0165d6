"""A small catalog in a pytester project, and helpers to read the audit log and the target."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from seeding_suite.engine.inventory import IntegrationRow, integration_states
from seeding_suite.targets.local import LocalTarget, seeding_deployment

PYPROJECT = """
[tool.pytest.ini_options]
testpaths = ["manifests"]
junit_family = "xunit1"

[tool.seeding_suite]
manifest_roots = ["manifests"]
"""


def community_pyproject(key: str, extra: str = "") -> str:
    """PYPROJECT plus a community folder source (community/) and publisher acme, whose key
    is `key` (a minisign public key line) and whose ids are acme-*. `extra` follows
    PYPROJECT's [tool.seeding_suite] lines (`on_conflict = ...`, or tables of its own)."""
    return (
        PYPROJECT
        + extra
        + textwrap.dedent(
            f"""
        [[tool.seeding_suite.sources]]
        name = "community"
        kind = "folder"
        path = "community"
        trust = "community"

        [tool.seeding_suite.publishers.acme]
        keys = ["{key}"]
        ids = ["acme-*"]
        """
        )
    )


def manifest(
    mid: str,
    version: str = "1.0.0",
    deps: str = "",
    connection: str = "api-key",
    extra: str = "",
) -> str:
    """A valid manifest; `connection` is what its action refers to."""
    body = f"""
    manifest_version: 1
    id: {mid}
    name: {mid.title()}
    version: {version}
    description: The {mid} integration.
    connections:
      - id: api-key
        name: API key
        auth: api_key
        fields:
          - name: api_key
            label: API key
            secret: true
    actions:
      - id: do-thing
        name: Do a thing
        connection: {connection}
        input_schema:
          $schema: https://json-schema.org/draft/2020-12/schema
          type: object
          properties:
            amount: {{type: integer, minimum: 0}}
          required: [amount]
        output_schema: {{type: object}}
    triggers:
      - id: thing-done
        name: Thing done
        kind: webhook
        connection: api-key
        output_schema: {{type: object}}
    """
    text = textwrap.dedent(body).lstrip()
    if deps:
        text += f"dependencies:\n{textwrap.dedent(deps)}"
    return text + extra


DEPS_ON_CORE = """
  - id: core
    version: ">=1.0.0 <2.0.0"
"""


def calls_counted(module: str, target: str, label: str) -> str:
    """A conftest that counts calls to `target` (`Class.method` in `module`) and prints
    `label: N` when the run ends (a fresh interpreter: the patch stays in that run)."""
    owner = target.partition(".")[0]
    return textwrap.dedent(
        f"""
        from {module} import {owner}

        calls = []
        original = {target}


        def counted(*args, **kwargs):
            calls.append(1)
            return original(*args, **kwargs)


        {target} = counted


        def pytest_unconfigure(config):
            print(f"{label}: {{len(calls)}}")
        """
    )


def three_integrations(project: Project) -> None:
    """core 1.2.0, stripe 2.3.0 (depends on core ^1), monday 0.9.0: all valid."""
    project.write("core", manifest("core", "1.2.0"))
    project.write("stripe", manifest("stripe", "2.3.0", deps=DEPS_ON_CORE))
    project.write("monday", manifest("monday", "0.9.0"))


@dataclass
class Run:
    """One pytester run with its audit log parsed."""

    result: pytest.RunResult
    xml: ET.Element

    def cases(self, name: str) -> dict[str, ET.Element]:
        return {
            tc.get("classname", "").removeprefix("manifests.").removesuffix(".yaml"): tc
            for tc in self.xml.iter("testcase")
            if tc.get("name") == name
        }

    def props(self, check: str, integration: str) -> dict[str, str]:
        case = self.cases(check)[integration]
        return {p.get("name", ""): p.get("value", "") for p in case.iter("property")}

    def seed_cases(self) -> dict[str, dict[str, str]]:
        """The seed testcases' properties by integration, whatever their file path."""
        found = {}
        for case in self.xml.iter("testcase"):
            if case.get("name") == "seed":
                props = {p.get("name", ""): p.get("value", "") for p in case.iter("property")}
                found[props["integration"]] = props
        return found

    def suite_props(self) -> dict[str, str]:
        suite = self.xml.find("testsuite")
        assert suite is not None
        props = suite.find("properties")
        return {} if props is None else {p.get("name", ""): p.get("value", "") for p in props}


@dataclass
class Project:
    """A pytester project with a catalog under manifests/."""

    pytester: pytest.Pytester

    def write(self, mid: str, text: str) -> Path:
        path = self.pytester.path / "manifests" / f"{mid}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def run(self, *args: str, subprocess: bool = False) -> Run:
        """A run in this process, or with `subprocess` in a fresh one (a single thread)."""
        xml = self.pytester.path / "audit.xml"
        runpytest = self.pytester.runpytest_subprocess if subprocess else self.pytester.runpytest
        result = runpytest("-p", "no:cacheprovider", f"--junitxml={xml}", *args)
        root = ET.parse(xml).getroot() if xml.exists() else ET.Element("testsuites")
        return Run(result, root)

    def state(self) -> dict[str, IntegrationRow]:
        target = LocalTarget(seeding_deployment(self.pytester.path / ".seeding/local.sqlite3"))
        try:
            return {row["integration"]: row for row in integration_states(target)}
        finally:
            target.close()


@pytest.fixture
def project(pytester: pytest.Pytester) -> Project:
    pytester.makefile(".toml", pyproject=PYPROJECT)
    (pytester.path / "manifests").mkdir()
    return Project(pytester)


@pytest.fixture(params=[[], ["-n", "2"]], ids=["plain", "xdist"])
def mode(request: pytest.FixtureRequest) -> list[str]:
    """Every end-to-end test runs plainly and under xdist with the same expectations."""
    return list(request.param)
