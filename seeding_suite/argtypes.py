"""Number arguments checked where they are parsed, shared by the pytest options and the CLI.

A rate of 0, a negative wait or a NaN would otherwise reach the engine or the backend and come
back as a hang or a backend error far from the option that caused it; argparse turns an
ArgumentTypeError into one usage line naming the option (exit 2 in both front ends).
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def _number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}")
    return number


def positive_number(value: str) -> float:
    """A finite number above 0 (a rate, a timeout)."""
    number = _number(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {value!r}")
    return number


def seconds(value: str) -> float:
    """A finite number of seconds, 0 or more (0: do not wait)."""
    number = _number(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0 or more), got {value!r}")
    return number


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low} to {high}, got {value!r}"
            )
        return number

    return parse
