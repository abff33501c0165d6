"""The HTML report in a real browser (Debian's chromium, driven by Playwright).

A history of 51 runs across 3 environments (three real plugin runs, the rest derived from
their logs: tests/support/report_history.py) is rendered by `seeding-suite report`; the page
must be one file under 2 MB, load with no console error, and show the generator's data: the
changed integrations, the failure's message as text, every matrix cell, every chart point.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from seeding_suite.cli import main
from tests.support.chromium import CHROMIUM, launch
from tests.support.project import Project
from tests.support.report_history import ENVIRONMENTS, HOSTILE, INTEGRATIONS, real_runs, synthesise

# Where to copy the screenshot too, for a person to look at (the test's own copy stays in
# its tmp folder, which pytest removes after a few runs).
SCREENSHOT_COPY = "SEEDING_SCREENSHOT_COPY"
RUNS = 51


def test_report_of_51_runs_in_chromium(project: Project, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it when root)")
    from playwright.sync_api import sync_playwright

    logs = tmp_path / "logs"
    logs.mkdir()
    _, expected = synthesise(real_runs(project), logs, RUNS)
    page_path = tmp_path / "report.html"
    assert main(["report", str(logs), "--output", str(page_path)]) == 0
    assert page_path.stat().st_size < 2 * 1024 * 1024

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
            page.goto(page_path.as_uri())
            latest = expected.latest
            assert page.inner_text("#latest-run") == latest["run_id"]
            assert page.inner_text("#latest-environment") == latest["environment"]
            assert page.inner_text("#latest-verdict") == "failed"
            changes = page.locator('div[data-key="changes"] tbody tr td:nth-child(2)')
            assert sorted(changes.all_inner_texts()) == latest["changed"] == ["monday", "stripe"]
            failure = page.locator('div[data-key="failures"] tbody tr').first
            assert failure.locator("td.message").inner_text() == HOSTILE
            assert failure.locator("a").get_attribute("href") == "manifests/zendesk.yaml#L3"
            matrix = page.locator('div[data-key="matrix"] tbody tr')
            cells = {
                row[0]: row[1:] for row in (r.locator("td").all_inner_texts() for r in matrix.all())
            }
            header = page.locator('div[data-key="matrix"] thead th').all_inner_texts()
            assert header[0] == "integration" and sorted(header[1:]) == sorted(ENVIRONMENTS)
            assert set(cells) == set(INTEGRATIONS)
            for mid in INTEGRATIONS:
                assert cells[mid] == [
                    f"{expected.held[(mid, env)]} {expected.health[(mid, env)]}"
                    for env in header[1:]
                ]
            for env in ENVIRONMENTS:
                points = page.locator(f'#chart-duration g[data-series="{env}"] circle')
                shown = [
                    (p.get_attribute("data-run"), float(p.get_attribute("data-value") or "nan"))
                    for p in points.all()
                ]
                wanted = [
                    (r["run_id"], r["seconds"]) for r in expected.runs if r["environment"] == env
                ]
                assert shown == wanted
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
    copy = os.environ.get(SCREENSHOT_COPY)
    if copy:
        shutil.copyfile(tmp_path / "report.png", copy)
