"""The report's rows of the benchmark: build time, file size and load time in chromium at
10,000 integrations and 500 runs (bench/report_history.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from report_history import RUNS, write_history

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's root
from tests.support.chromium import CHROMIUM, launch  # as the browser test launches it

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from run import Outcome

MB = 1024 * 1024


def load_seconds(page_path: Path) -> str:
    """Navigation to the load event, and the first page of the status matrix shown."""
    if not CHROMIUM.exists():
        return "skipped: /usr/bin/chromium is not installed"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_selector('div[data-key="matrix"] tbody tr')
            shown = time.perf_counter() - started
            rows = page.locator('div[data-key="matrix"] tbody tr').count()
            load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        finally:
            browser.close()
    return (
        f"load event {load / 1000:.2f} s; matrix page shown after {shown:.2f} s "
        f"({rows} rows in the DOM)"
    )


def case_report(
    out: Path,
    keep: bool,
    run_measured: Callable[[Sequence[str], Path], Outcome],
    python: str,
) -> list[tuple[str, Outcome | str]]:
    history = out / "report-history"
    if not (keep and history.is_dir()):
        logs_bytes = write_history(history)
        print(f"report history: {RUNS} audit logs, {logs_bytes / MB:.0f} MB", flush=True)
    page = out / "report.html"
    cmd = (python, "-m", "seeding_suite.cli", "report", str(history), "--output", str(page))
    built = run_measured(cmd, out)
    if not built.ok:
        return [("report-build", built)]
    size = f"{page.stat().st_size / MB:.2f} MB for {RUNS} runs, 10000 integrations"
    return [("report-build", built), ("report-size", size), ("report-load", load_seconds(page))]
