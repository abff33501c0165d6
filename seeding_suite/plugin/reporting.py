"""Seed testcases and audit properties: the seed items' reports and JUnit suite properties.

A seed item does nothing where it runs (plugin/collect.py): the controller, the one process
that sees the final stage, makes its reports. Each is a full setup/call/teardown sequence,
because junitxml writes a testcase's `<properties>` from its teardown report and needs a
`(path, line, message)` tuple for skips (research: pytest-plugin.md §2.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pytest

if TYPE_CHECKING:
    from collections.abc import Sequence

Outcome = Literal["passed", "failed", "skipped", "error"]
Result = Literal["passed", "failed", "skipped"]
When = Literal["setup", "call", "teardown"]
SEED_CASE = "seeding_seed_case"  # on a seed item's reports: its status says its action
REUSED = "seeding_reused"  # on a check's call report: its pass was reused (seeding_suite.cache)


def emit_seed_case(
    config: pytest.Config,
    manifest: str,
    outcome: Outcome,
    message: str | None,
    properties: Sequence[tuple[str, str]],
    duration: float = 0.0,
) -> None:
    """Report `<manifest>::seed` to every reporter (terminal, JUnit, report-log)."""
    nodeid = f"{manifest}::seed"
    location = (manifest, None, f"seed ({manifest.rsplit('/', 1)[-1]})")
    props = [(name, str(value)) for name, value in properties]

    def report(
        when: When, result: Result, longrepr: tuple[str, int, str] | str | None
    ) -> pytest.TestReport:
        rep = pytest.TestReport(
            nodeid=nodeid,
            location=location,
            keywords={"seed": 1, "reseed": 1},
            outcome=result,
            longrepr=longrepr,
            when=when,
            duration=duration if when == "call" else 0.0,
            user_properties=props,
        )
        setattr(rep, SEED_CASE, True)
        return rep

    hook = config.hook
    hook.pytest_runtest_logstart(nodeid=nodeid, location=location)
    if outcome == "skipped":
        skip = (manifest, 1, message or "not seeded")
        hook.pytest_runtest_logreport(report=report("setup", "skipped", skip))
    elif outcome == "error":
        hook.pytest_runtest_logreport(report=report("setup", "failed", message))
    else:
        hook.pytest_runtest_logreport(report=report("setup", "passed", None))
        hook.pytest_runtest_logreport(report=report("call", outcome, message))
    hook.pytest_runtest_logreport(report=report("teardown", "passed", None))
    hook.pytest_runtest_logfinish(nodeid=nodeid, location=location)


def drop_audit_log(config: pytest.Config) -> None:
    """This run writes no JUnit file after all (see SeedingSession.select_seeds)."""
    try:  # private API, also used by Hypothesis's plugin; a contract test guards it
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - a pytest without it keeps the file
        return
    xml = config.stash.get(xml_key, None)
    if xml is not None:
        config.pluginmanager.unregister(xml)
        del config.stash[xml_key]


def add_suite_properties(config: pytest.Config, properties: Sequence[tuple[str, str]]) -> None:
    """Run-level properties of the audit log, added on the controller (works under xdist)."""
    try:  # private API, also used by Hypothesis's plugin; a contract test guards it
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - a pytest without it simply gets no suite properties
        return
    xml = config.stash.get(xml_key, None)
    if xml is None:
        return
    for name, value in properties:
        xml.add_global_property(name, str(value))
