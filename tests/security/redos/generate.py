"""Small random regular expressions, for comparing the ReDoS judge with recheck.

Shapes: characters and classes of the kinds schema patterns use, sequences, alternations,
groups, and the quantifiers `+ * ? {2,}` nested up to three deep, anchored at both ends
(as schema patterns usually are). Seeded: the same seed gives the same patterns.
"""

from __future__ import annotations

import random

ATOMS = ("a", "b", "\\d", "\\w", "[ab]", "[a-c]", "-", "\\s", ".")
QUANTIFIERS = ("+", "*", "?", "{2,}")


def patterns(seed: int, count: int) -> list[str]:
    """`count` draws of anchored patterns, deduplicated and sorted."""
    chooser = random.Random(seed)
    return sorted({f"^{_part(chooser, 0)}$" for _ in range(count)})


def _part(chooser: random.Random, depth: int) -> str:
    roll = chooser.random()
    if depth > 2 or roll < 0.35:
        text = chooser.choice(ATOMS)
        single = True
    elif roll < 0.6:
        text = "".join(_part(chooser, depth + 1) for _ in range(chooser.randint(2, 3)))
        single = False
    elif roll < 0.8:
        branches = (_part(chooser, depth + 1) for _ in range(chooser.randint(2, 3)))
        text = "(" + "|".join(branches) + ")"
        single = True
    else:
        text = "(" + _part(chooser, depth + 1) + ")"
        single = True
    if chooser.random() < 0.4:
        text = (text if single else f"({text})") + chooser.choice(QUANTIFIERS)
    return text
