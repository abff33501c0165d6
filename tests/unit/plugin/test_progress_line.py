"""The seed stage's progress line, on a terminal and in a log (seeding_suite.plugin.progress)."""

from __future__ import annotations

from dataclasses import dataclass, field

from seeding_suite.plugin.progress import ProgressLine


@dataclass
class Reporter:
    """What ProgressLine uses of pytest's TerminalReporter, recording what it was asked."""

    isatty: bool
    out: list[str] = field(default_factory=list)

    def rewrite(self, line: str, erase: bool = False) -> None:
        self.out.append("\r" + line)

    def write_line(self, line: str) -> None:
        self.out.append(line + "\n")

    def write(self, content: str) -> None:
        self.out.append(content)


class Clock:
    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _run(reporter: Reporter, clock: Clock, total: int = 1000) -> ProgressLine:
    line = ProgressLine(reporter, clock=clock)  # type: ignore[arg-type]
    for done in range(1, total + 1):
        line.step("loading manifests", done, total)
    line.batch(1, 2, "written")
    line.batch(2, 2, "written")
    line.close()
    return line


def test_a_log_gets_the_ends_of_each_step_and_a_line_every_few_seconds() -> None:
    fast = Reporter(isatty=False)
    _run(fast, Clock(0.001))  # one second in all: no line in between
    assert fast.out == [
        "seed: loading manifests 1/1000\n",
        "seed: loading manifests 1000/1000\n",
        "seed: batch 1/2 written\n",
        "seed: batch 2/2 written\n",
    ]
    slow = Reporter(isatty=False)
    _run(slow, Clock(0.1), total=200)  # 20 seconds: a line every 5 s
    loading = [line for line in slow.out if "loading" in line]
    assert len(loading) == 5, loading  # first, three in 20 s, last
    assert loading[2].endswith("/200, about 10 s left\n"), loading


def test_a_terminal_gets_one_line_rewritten_in_place_and_ended_once() -> None:
    tty = Reporter(isatty=True)
    _run(tty, Clock(0.01), total=100)
    assert all(part.startswith("\r") for part in tty.out[:-1])
    assert tty.out[-1] == "\n"  # close() ends the line once
    assert tty.out[-2] == "\rseed: batch 2/2 written"
    assert 10 <= len(tty.out) <= 15  # redrawn every 0.1 s, not at each of the 100 steps


def test_news_other_than_written_ends_the_line_and_stays() -> None:
    tty = Reporter(isatty=True)
    line = ProgressLine(tty, clock=Clock(1))  # type: ignore[arg-type]
    line.batch(1, 3, "written")
    line.batch(2, 3, "result unknown: no reply")
    line.batch(3, 3, "written")
    assert tty.out == [
        "\rseed: batch 1/3 written",
        "\n",
        "seed: batch 2/3 result unknown: no reply\n",
        "\rseed: batch 3/3 written",
    ]


def test_no_time_left_is_guessed_from_less_than_a_second() -> None:
    log = Reporter(isatty=False)
    line = ProgressLine(log, every=0, clock=Clock(0.5))  # type: ignore[arg-type]
    for done in (1, 2, 3):
        line.step("selecting manifests", done, 1000)
    assert log.out == [
        "seed: selecting manifests 1/1000\n",
        "seed: selecting manifests 2/1000\n",  # half a second in: a slow first count, no rate
        "seed: selecting manifests 3/1000, about 332 s left\n",
    ]
