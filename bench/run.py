"""The DESIGN §9 benchmark: time and peak memory of each run kind over generated catalogs.

Run from the repo root (`make bench`): .venv/bin/python bench/run.py [--sizes 1000,10000]
[--only validate,floor,...] [--keep]. Catalogs go to bench/out/ (git-ignored).

Every measured command runs with Python's default bytecode caching: PYTHONDONTWRITEBYTECODE
is removed from its environment. With it set, every run compiles every module again that has
no cached bytecode, and pytest rewrites (and compiles) the modules of every installed pytest
plugin on each run: about a second more for each command, floor and seeding runs alike.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from api_catalog import generate_api_catalog
from generate import generate_catalog
from report_bench import case_report

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
OUT = BENCH / "out"
PYTHON = sys.executable
SEED = 0

# Command lines, adjustable in one place. Each runs with the catalog directory as cwd.
PYTEST = (PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider")
VALIDATE_CMD = (*PYTEST, "-m", "not seed")
# The same run without the security check: what scanning every manifest costs (issue 15).
VALIDATE_NO_SECURITY_CMD = (*PYTEST, "-m", "not seed and not security")
XDIST_ARGS = ("-n", "2")
FLOOR_CMD = (*PYTEST, "-p", "no:seeding_suite", "-p", "noop_floor")
FULL_RUN_CMD = PYTEST
TARGET_DB_ENV = "SEEDING_DB"  # where the embedded target lives, for the full runs
CHECK_JSONSCHEMA = Path(PYTHON).parent / "check-jsonschema"
FORMAT_SCHEMA = REPO / "seeding_suite" / "manifest.schema.json"
ARGV_BUDGET = 100_000  # bytes of file names per check-jsonschema call
RUN_TIMEOUT_SECONDS = 1800  # one measured command; the row then reads as failed

CASES = (
    "validate",
    "validate-no-security",
    "validate-n2",
    "check-jsonschema",
    "floor",
    "floor-n2",
    "floor-junit",
    "full",
    "byte-heavy",
    "report",
)
OWN_CATALOG_CASES = ("byte-heavy", "report")  # cases that bring their own catalog (not --sizes)
CHECK_CACHE = Path(".seeding") / "cache"  # reused passes (seeding_suite.cache), per catalog
FULL_RUN_TARGET_SIZE = 1000  # DESIGN §9 states the cold/warm targets for 1,000 manifests
BYTE_HEAVY_MANIFESTS = 90  # two ~700 KB schemas each: about 3 MB stored per integration
BYTE_HEAVY_SCHEMA_BYTES = 700_000
READ_LIMIT_BYTES = 16 * 1024 * 1024  # Convex's bytes read per function execution
SAMPLE_SECONDS = 0.1
MB = 1024 * 1024
ITEM_COUNTS = re.compile(r"(\d+) (?:passed|failed|errors?|skipped|xfailed|xpassed)\b")


@dataclass(frozen=True)
class Outcome:
    """One measured command (or several, summed): wall time, memory, exit code, output."""

    wall_s: float
    max_rss_mb: float  # the largest single process of the tree (wait4's ru_maxrss)
    tree_pss_mb: float | None  # the largest sampled PSS sum over the whole tree (Linux /proc)
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class Row:
    """One line of the result table; outcome None when the case was skipped."""

    size: int
    case: str
    outcome: Outcome | None
    note: str


@dataclass(frozen=True)
class Settings:
    """What the command line asked for."""

    sizes: tuple[int, ...]
    cases: tuple[str, ...]
    keep: bool
    items_per_manifest: int
    baseline_max_size: int


class TreeMemorySampler(threading.Thread):
    """Polls /proc for the summed memory of a process and its descendants; keeps the peak.

    wait4's ru_maxrss is exact but per process; under xdist, or with forked check processes,
    the tree's sum is what a machine pays. It sums proportional set sizes (PSS: a page shared
    by n processes counts 1/n in each), so pages a forked child shares with its parent count
    once; RSS would count them in every process.
    """

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_bytes = 0
        self.available = Path("/proc/self/stat").exists()
        self.finished = threading.Event()

    def run(self) -> None:
        while self.available and not self.finished.wait(SAMPLE_SECONDS):
            self.peak_bytes = max(self.peak_bytes, tree_pss_bytes(self.root_pid))

    def stop(self) -> float | None:
        self.finished.set()
        self.join()
        return self.peak_bytes / MB if self.available else None


def tree_pss_bytes(root_pid: int) -> int:
    """The summed PSS (else RSS) of root_pid and every live descendant."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue  # the process ended between listing and reading
            stats[int(entry.name)] = (int(fields[1]), int(fields[21]))  # ppid, rss in pages
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in stats.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    page = os.sysconf("SC_PAGE_SIZE")
    return sum(proportional_bytes(pid, stats[pid][1] * page) for pid in tree if pid in stats)


def proportional_bytes(pid: int, rss_bytes: int) -> int:
    """A process's PSS from /proc/<pid>/smaps_rollup; its RSS when that cannot be read."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return rss_bytes
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return rss_bytes


def measured_env(**extra: str) -> dict[str, str]:
    """This process's environment plus `extra`, with Python's default bytecode caching."""
    env = {**os.environ, **extra}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_measured(cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Outcome:
    """Run cmd to completion; wall time, peak RSS of its process tree, exit code and output.

    The child leads its own process group, so a timeout or Ctrl-C also ends xdist's workers.
    """
    env = env if env is not None else measured_env()
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        expired = threading.Event()
        watchdog = threading.Timer(RUN_TIMEOUT_SECONDS, kill_group, (proc.pid, expired))
        sampler = TreeMemorySampler(proc.pid)
        watchdog.start()
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            kill_group(proc.pid, expired)
            raise
        finally:
            watchdog.cancel()
            tree_mb = sampler.stop()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")
    if expired.is_set():
        output += f"\ntimed out after {RUN_TIMEOUT_SECONDS} s (RUN_TIMEOUT_SECONDS)\n"
    return Outcome(wall, usage.ru_maxrss / 1024, tree_mb, proc.returncode, output)


def kill_group(pid: int, expired: threading.Event) -> None:
    """End the process group this script started for one measured command."""
    expired.set()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def combine(outcomes: Sequence[Outcome]) -> Outcome:
    """Batches of one logical run: times add up, memory is the worst batch."""
    trees = [o.tree_pss_mb for o in outcomes if o.tree_pss_mb is not None]
    return Outcome(
        wall_s=sum(o.wall_s for o in outcomes),
        max_rss_mb=max(o.max_rss_mb for o in outcomes),
        tree_pss_mb=max(trees) if trees else None,
        returncode=max((o.returncode for o in outcomes), key=abs),
        output="".join(o.output for o in outcomes),
    )


def summary_line(output: str) -> str:
    """pytest's last line ("5000 passed, 1000 deselected in 3.1s"), or the last line at all."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def prepare_catalog(size: int, keep: bool) -> Path:
    """bench/out/catalog-N, regenerated unless --keep finds one made for the same size and seed."""
    path = OUT / f"catalog-{size}"
    stamp = path / ".generated"
    if keep and stamp.is_file() and stamp.read_text() == f"{size} {SEED}":
        print(f"[{size}] reusing {path}")
        return path
    shutil.rmtree(path, ignore_errors=True)
    start = time.perf_counter()
    paths = generate_catalog(path, size, SEED)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    print(f"[{size}] generated {size} manifests, {megabytes:.1f} MB, in ", end="")
    print(f"{time.perf_counter() - start:.1f} s: {path}")
    stamp.write_text(f"{size} {SEED}")
    return path


def prepare_byte_heavy(keep: bool) -> Path:
    """bench/out/catalog-byte-heavy: real-shaped manifests (bench/api_catalog.py) whose target
    stores about 16x Convex's 16 MiB read limit; regenerated unless --keep finds it."""
    path = OUT / "catalog-byte-heavy"
    stamp = path / ".generated"
    made_for = f"{BYTE_HEAVY_MANIFESTS} {BYTE_HEAVY_SCHEMA_BYTES} {SEED}"
    if keep and stamp.is_file() and stamp.read_text() == made_for:
        print(f"[byte-heavy] reusing {path}")
        return path
    shutil.rmtree(path, ignore_errors=True)
    paths = generate_api_catalog(path, BYTE_HEAVY_MANIFESTS, BYTE_HEAVY_SCHEMA_BYTES, seed=SEED)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    print(f"[byte-heavy] generated {len(paths)} manifests, {megabytes:.1f} MB: {path}")
    stamp.write_text(made_for)
    return path


def stored_line(db: Path) -> str:
    """What the embedded target holds, as Convex measures it (the unit of its read limit)."""
    from fakes.convex import value_size
    from seeding_suite.remote import SEEDED_TABLES
    from seeding_suite.targets.local import seeding_deployment

    fake = seeding_deployment(db)
    docs = [doc for table in SEEDED_TABLES for doc in fake.documents(table)]
    stored = sum(value_size(doc) for doc in docs)
    return (
        f"{len(docs)} documents, {stored / MB:.0f} MiB stored: "
        f"{stored / READ_LIMIT_BYTES:.1f}x Convex's 16 MiB read limit"
    )


def manifest_args(catalog: Path) -> list[str]:
    """Manifest paths relative to the catalog directory (short argv)."""
    return sorted(str(p.relative_to(catalog)) for p in (catalog / "manifests").glob("*.yaml"))


def argv_batches(files: Sequence[str], budget: int = ARGV_BUDGET) -> list[list[str]]:
    """Split a file list so no command line carries more than `budget` bytes of names."""
    batches: list[list[str]] = [[]]
    used = 0
    for name in files:
        if batches[-1] and used + len(name) + 1 > budget:
            batches.append([])
            used = 0
        batches[-1].append(name)
        used += len(name) + 1
    return batches


def cold(catalog: Path) -> Path:
    """The catalog with no reused passes: the next run checks everything."""
    shutil.rmtree(catalog / CHECK_CACHE, ignore_errors=True)
    return catalog


def case_validate(catalog: Path, xdist: bool) -> list[tuple[str, Outcome]]:
    """Cold (nothing cached), then warm: the same command again, every pass reused."""
    cmd = (*VALIDATE_CMD, *XDIST_ARGS) if xdist else VALIDATE_CMD
    suffix = "-n2" if xdist else ""
    first = run_measured(cmd, cold(catalog))
    return [(f"validate{suffix}", first), (f"validate{suffix}-warm", run_measured(cmd, catalog))]


def case_validate_without_security(catalog: Path) -> Outcome:
    """Cold, the security items deselected: the denominator of the security check's cost."""
    return run_measured(VALIDATE_NO_SECURITY_CMD, cold(catalog))


def case_check_jsonschema(catalog: Path, size: int, max_size: int) -> Outcome | str:
    """The baseline: 1-2 minutes per 1,000 manifests, so larger sizes are opt-in."""
    if size > max_size:
        return f"skipped: baseline runs up to {max_size} manifests (--baseline-max-size)"
    if not FORMAT_SCHEMA.is_file():
        return f"skipped: {FORMAT_SCHEMA.relative_to(REPO)} does not exist yet"
    if not CHECK_JSONSCHEMA.is_file():
        return f"skipped: {CHECK_JSONSCHEMA} not installed"
    base = (str(CHECK_JSONSCHEMA), "--schemafile", str(FORMAT_SCHEMA))
    batches = argv_batches(manifest_args(catalog))
    return combine([run_measured((*base, *batch), catalog) for batch in batches])


def case_floor(catalog: Path, items_per_manifest: int, xdist: bool, junit: bool = False) -> Outcome:
    """The no-op plugin (bench/noop_floor.py) in place of seeding_suite; workers inherit env.

    With `junit`, pytest also writes its JUnit XML file, as every seeding run does (the audit
    log): pytest's own floor for the same items and the same report.
    """
    cmd = (*FLOOR_CMD, f"--noop-items={items_per_manifest}")
    if junit:
        cmd = (*cmd, f"--junitxml={catalog / 'reports' / 'floor.xml'}")
    search_path = [str(BENCH), os.environ.get("PYTHONPATH", "")]
    env = measured_env(PYTHONPATH=os.pathsep.join(filter(None, search_path)))
    return run_measured((*cmd, *XDIST_ARGS) if xdist else cmd, catalog, env)


def case_full(catalog: Path, label: str = "full") -> list[tuple[str, Outcome]]:
    """Cold: every check + seed into a fresh embedded target, nothing cached. Warm: again.

    A byte-heavy run also says what the target then stores (before the warm run reads it).
    """
    with tempfile.TemporaryDirectory(prefix="seeding-bench-") as target_dir:
        db = Path(target_dir) / "local.sqlite3"
        env = measured_env(**{TARGET_DB_ENV: str(db)})
        first = run_measured(FULL_RUN_CMD, cold(catalog), env)
        if label == "byte-heavy" and first.ok:
            print(f"[{label}] target after the cold run: {stored_line(db)}", flush=True)
        warm = run_measured(FULL_RUN_CMD, catalog, env)
    return [(f"{label}-cold", first), (f"{label}-warm", warm)]


def run_case(case: str, size: int, catalog: Path, settings: Settings) -> list[Row]:
    """Run one case and turn its outcome(s) into table rows, printing failures as they happen."""
    single: dict[str, Callable[[], Outcome | str]] = {
        "check-jsonschema": lambda: case_check_jsonschema(
            catalog, size, settings.baseline_max_size
        ),
        "validate-no-security": lambda: case_validate_without_security(catalog),
        "floor": lambda: case_floor(catalog, settings.items_per_manifest, xdist=False),
        "floor-n2": lambda: case_floor(catalog, settings.items_per_manifest, xdist=True),
        "floor-junit": lambda: case_floor(
            catalog, settings.items_per_manifest, xdist=False, junit=True
        ),
    }
    paired: dict[str, Callable[[], list[tuple[str, Outcome]]]] = {
        "validate": lambda: case_validate(catalog, xdist=False),
        "validate-n2": lambda: case_validate(catalog, xdist=True),
        "full": lambda: case_full(catalog),
        "byte-heavy": lambda: case_full(catalog, "byte-heavy"),
    }
    print(f"[{size}] {case} ...", flush=True)
    results: list[tuple[str, Outcome | str]]
    results = list(paired[case]()) if case in paired else [(case, single[case]())]
    rows = []
    for name, result in results:
        if isinstance(result, str):
            rows.append(Row(size, name, None, result))
            print(f"[{size}] {name}: {result}")
            continue
        note = summary_line(result.output)
        if not result.ok:
            note = f"FAILED (exit {result.returncode}): {note}"
            print(f"[{size}] {name} failed; last lines of its output:")
            print(indent_tail(result.output))
        rows.append(Row(size, name, result, note))
        print(f"[{size}] {name}: {result.wall_s:.2f} s, {note}", flush=True)
    return rows


def indent_tail(output: str, lines: int = 15) -> str:
    return "\n".join("    " + line for line in output.rstrip().splitlines()[-lines:])


def format_table(rows: Sequence[Row]) -> str:
    header = (
        f"{'size':>6}  {'case':<17} {'wall s':>8} {'max RSS MB':>11} {'tree PSS MB':>12}  result"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        o = row.outcome
        wall = f"{o.wall_s:8.2f}" if o else f"{'-':>8}"
        rss = f"{o.max_rss_mb:11.1f}" if o else f"{'-':>11}"
        tree = f"{o.tree_pss_mb:12.1f}" if o and o.tree_pss_mb is not None else f"{'-':>12}"
        lines.append(f"{row.size:>6}  {row.case:<17} {wall} {rss} {tree}  {row.note}")
    return "\n".join(lines)


def succeeded(rows: Sequence[Row], case: str, size: int) -> Outcome | None:
    """The outcome of a successful row, or None when it was skipped or failed."""
    for row in rows:
        if row.case == case and row.size == size and row.outcome and row.outcome.ok:
            return row.outcome
    return None


def wall(rows: Sequence[Row], case: str, size: int) -> float | None:
    outcome = succeeded(rows, case, size)
    return outcome.wall_s if outcome else None


def item_count(outcome: Outcome | None) -> int | None:
    """Items pytest ran, from its summary line (deselected ones excluded)."""
    counts = ITEM_COUNTS.findall(summary_line(outcome.output)) if outcome else []
    return sum(int(count) for count in counts) if counts else None


def item_mismatch(rows: Sequence[Row], case: str, floor: str, size: int) -> str:
    """A warning when the floor ran a different number of items than the run it bounds."""
    ran, floor_ran = (item_count(succeeded(rows, name, size)) for name in (case, floor))
    if ran is None or floor_ran is None or ran == floor_ran:
        return ""
    return f" [items differ: {ran} vs {floor_ran}; see --items-per-manifest]"


def verdict(value: float | None, passes: Callable[[float], bool], shown: str) -> str:
    if value is None:
        return "n/a (not run, skipped or failed)"
    return f"{shown.format(value)}  {'ok' if passes(value) else 'MISSED'}"


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or denominator is None else numerator / denominator


def format_ratios(rows: Sequence[Row], sizes: Sequence[int]) -> str:
    """DESIGN §9's targets, computed from the rows that ran."""
    lines = []
    for size in sizes:
        speedup = ratio(wall(rows, "check-jsonschema", size), wall(rows, "validate", size))
        lines.append(
            f"[{size}] validate-only vs check-jsonschema: "
            + verdict(speedup, lambda v: v >= 10, "{:.1f}x faster (target >= 10x)")
        )
        security = ratio(wall(rows, "validate", size), wall(rows, "validate-no-security", size))
        lines.append(
            f"[{size}] validate vs validate-no-security (the security check's cost): "
            + verdict(security, lambda v: v <= 1.2, "{:.2f}x (target <= 1.2x)")
        )
        pairs = (
            ("validate", "floor"),
            ("validate-n2", "floor-n2"),
            ("validate", "floor-junit"),
            ("validate-warm", "floor-junit"),
        )
        for case, floor in pairs:
            overhead = ratio(wall(rows, case, size), wall(rows, floor, size))
            lines.append(
                f"[{size}] {case} vs no-op {floor}: "
                + verdict(overhead, lambda v: v <= 3, "{:.2f}x the floor (target <= 3x)")
                + item_mismatch(rows, case, floor, size)
            )
    lines.extend(
        full_run_targets(rows, FULL_RUN_TARGET_SIZE) if FULL_RUN_TARGET_SIZE in sizes else []
    )
    if len(sizes) > 1:
        lines.extend(scaling_lines(rows, min(sizes), max(sizes)))
    lines.extend(memory_lines(rows, max(sizes)))
    return "\n".join(lines)


def full_run_targets(rows: Sequence[Row], size: int) -> list[str]:
    return [
        f"[{size}] full cold: "
        + verdict(wall(rows, "full-cold", size), lambda v: v <= 15, "{:.2f} s (target <= 15 s)"),
        f"[{size}] full warm: "
        + verdict(wall(rows, "full-warm", size), lambda v: v <= 5, "{:.2f} s (target <= 5 s)"),
    ]


def scaling_lines(rows: Sequence[Row], small: int, large: int) -> list[str]:
    """Growth from the smallest to the largest size, allowed up to 1.2x linear (12x for 10x)."""
    limit = 1.2 * large / small
    cases = dict.fromkeys(row.case for row in rows)
    return [
        f"{large} vs {small}, {case}: "
        + verdict(
            ratio(wall(rows, case, large), wall(rows, case, small)),
            lambda v: v <= limit,
            "{:.1f}x" + f" (target <= {limit:.0f}x)",
        )
        for case in cases
    ]


def memory_lines(rows: Sequence[Row], size: int) -> list[str]:
    """Peak RSS of the product's own runs (not the baselines) at the largest size."""
    lines = []
    for row in rows:
        product_run = not row.case.startswith(("floor", "check"))
        if row.size == size and row.outcome and row.outcome.ok and product_run:
            peak = max(row.outcome.max_rss_mb, row.outcome.tree_pss_mb or 0.0)
            lines.append(
                f"[{size}] peak RSS, {row.case}: "
                + verdict(peak, lambda v: v <= 500, "{:.0f} MB (target <= 500 MB)")
            )
    return lines


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="catalog sizes (default 1000,10000)")
    parser.add_argument("--only", default=",".join(CASES), help=f"subset of {','.join(CASES)}")
    parser.add_argument("--keep", action="store_true", help="reuse generated catalogs")
    parser.add_argument("--items-per-manifest", type=int, default=7, help="no-op floor items")
    parser.add_argument(
        "--baseline-max-size",
        type=int,
        default=1000,
        help="largest catalog check-jsonschema runs on (default 1000; it is slow)",
    )
    args = parser.parse_args(argv)
    cases = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    sizes = tuple(sorted(int(size) for size in args.sizes.split(",")))
    return Settings(sizes, cases, args.keep, args.items_per_manifest, args.baseline_max_size)


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    sized = [case for case in settings.cases if case not in OWN_CATALOG_CASES]
    for size in settings.sizes if sized else ():
        catalog = prepare_catalog(size, settings.keep)
        for case in sized:
            rows.extend(run_case(case, size, catalog, settings))
    if "byte-heavy" in settings.cases:
        catalog = prepare_byte_heavy(settings.keep)
        rows.extend(run_case("byte-heavy", BYTE_HEAVY_MANIFESTS, catalog, settings))
    if "report" in settings.cases:
        print("[10000] report ...", flush=True)
        for name, result in case_report(OUT, settings.keep, run_measured, PYTHON):
            rows.append(
                Row(10_000, name, result, summary_line(result.output))
                if not isinstance(result, str)
                else Row(10_000, name, None, result)
            )
    print()
    print(format_table(rows))
    print()
    if sized:
        print(format_ratios(rows, settings.sizes))
    if "byte-heavy" in settings.cases:
        print("\n".join(memory_lines(rows, BYTE_HEAVY_MANIFESTS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
