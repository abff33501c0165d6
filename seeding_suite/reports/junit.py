"""Read one JUnit audit log (DESIGN §8, plugin/reporting.py) into a `Run`.

What the plugin writes: the run's properties on the `<testsuite>`; one testcase per check
with `integration`, `version`, `checksum`; one `seed` testcase per integration with `action`
and its document counts or the `reason` it was skipped. A file that is not XML, or XML without
a `run_id` suite property, is not an audit log: that is an error naming the file, never an
empty report.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.reports.model import CaseOutcome, CheckCase, Location, Run, SeedCase

if TYPE_CHECKING:
    from pathlib import Path

_COUNTS = ("created", "updated", "unchanged", "reseeded", "skipped", "failed", "deleted")
_DOCUMENTS = ("created", "updated", "deleted", "unchanged")
# A finding's message starts with its place: `manifests/x.yaml:4:10: version: ...`.
_PLACE = re.compile(r"(?P<file>[^\s:][^:\n]*?):(?P<line>\d+)(?::(?P<col>\d+))?:\s")


class NotAnAuditLog(ConfigurationError):
    """The file is not a JUnit audit log of a seeding run."""


def location_of(message: str, manifest: str) -> Location:
    """The file:line:col a failure names, else the manifest's first line."""
    match = _PLACE.match(message)
    if match is None:
        return Location(manifest)
    col = match["col"]
    return Location(match["file"], int(match["line"]), int(col) if col else 1)


def without_place(message: str) -> str:
    """The message after its `file:line:col: ` place (shown apart, as a link)."""
    match = _PLACE.match(message)
    return message if match is None else message[match.end() :]


def manifest_of(case: ET.Element) -> str:
    """The manifest a testcase is about: its `file` (xunit1 logs), else read off its classname.

    junitxml turns slashes into dots (`manifests.sub.x.yaml`), so a classname cannot tell
    `manifests/v1.2/x.yaml` from `manifests/v1/2/x.yaml`; the `file` attribute can.
    """
    file = case.get("file")
    if file:
        return file
    classname = case.get("classname", "")
    for ext in (".yaml", ".yml"):
        if classname.endswith(ext):
            return classname[: -len(ext)].replace(".", "/") + ext
    return classname.replace(".", "/")


def _properties(element: ET.Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {
        p.get("name", ""): p.get("value", "")
        for p in element.iterfind("property")
        if p.get("name") is not None
    }


def _outcome(case: ET.Element) -> tuple[CaseOutcome, str]:
    for tag, outcome in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        found = case.find(tag)
        if found is not None:
            message = found.get("message") or (found.text or "").strip()
            return outcome, message  # type: ignore[return-value]  # the tuple's literals
    return "passed", ""


def _when(text: str, path: Path, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise NotAnAuditLog(f"{path}: property {name} is not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _number(props: dict[str, str], name: str, path: Path) -> int:
    text = props.get(name, "0") or "0"
    if not text.isdigit():
        raise NotAnAuditLog(f"{path}: property {name} is not a whole number: {text!r}")
    return int(text)


def _seconds(case: ET.Element) -> float:
    try:
        return float(case.get("time", "0") or 0)
    except ValueError:
        return 0.0


def _seed(case: ET.Element, manifest: str) -> SeedCase:
    props = _properties(case.find("properties"))
    outcome, message = _outcome(case)
    documents = tuple(
        (name, int(props[f"documents_{name}"]))
        for name in _DOCUMENTS
        if props.get(f"documents_{name}", "").isdigit()
    )
    return SeedCase(
        manifest=manifest,
        integration=props.get("integration", ""),
        version=props.get("version", ""),
        action=props.get("action", "failed" if outcome in ("failed", "error") else ""),
        outcome=outcome,
        seconds=_seconds(case),
        previous_version=props.get("previous_version", ""),
        reason=props.get("reason", "") or message,
        documents=documents,
        unknown=props.get("result") == "unknown",
    )


def _check(case: ET.Element, manifest: str) -> CheckCase:
    props = _properties(case.find("properties"))
    outcome, message = _outcome(case)
    failed = outcome in ("failed", "error")
    return CheckCase(
        manifest=manifest,
        check=case.get("name", ""),
        integration=props.get("integration", "") or manifest.rsplit("/", 1)[-1].split(".")[0],
        version=props.get("version", ""),
        outcome=outcome,
        seconds=_seconds(case),
        message=message,
        location=location_of(message, manifest) if failed else None,
    )


def read_audit_log(path: Path) -> Run:
    """The run `path` records; NotAnAuditLog (naming the file and why) otherwise."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise NotAnAuditLog(f"{path}: not a JUnit audit log: XML error ({exc})") from None
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if root.tag not in ("testsuites", "testsuite") or suite is None:
        raise NotAnAuditLog(f"{path}: not a JUnit audit log (its root is <{root.tag}>)")
    props = _properties(suite.find("properties"))
    if not props.get("run_id"):
        raise NotAnAuditLog(
            f"{path}: a JUnit file without a run_id property: not a seeding run's audit log"
        )
    checks: list[CheckCase] = []
    seeds: list[SeedCase] = []
    for case in suite.iter("testcase"):
        manifest = manifest_of(case)
        if case.get("name") == "seed":
            seeds.append(_seed(case, manifest))
        else:
            checks.append(_check(case, manifest))
    started = _when(props.get("started_at") or suite.get("timestamp") or "", path, "started_at")
    finished = _when(props.get("finished_at") or started.isoformat(), path, "finished_at")
    return Run(
        run_id=props["run_id"],
        environment=props.get("environment", ""),
        target=props.get("target", ""),
        started_at=started,
        finished_at=finished,
        source=str(path),
        mode=props.get("mode", "apply"),
        actor=props.get("actor", ""),
        harness_version=props.get("harness_version", ""),
        git_commit=props.get("git_commit", ""),
        counts=tuple((name, _number(props, name, path)) for name in _COUNTS),
        documents_written=_number(props, "documents_written", path),
        convex_calls=_number(props, "convex_calls", path),
        checks_reused=_number(props, "checks_reused", path),
        seed_seconds=max((s.seconds for s in seeds), default=0.0),
        notes=props.get("notes", ""),
        checks=tuple(checks),
        seeds=tuple(seeds),
    )
