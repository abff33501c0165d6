"""How a seed outcome is told: its progress letter, its verbose word, its line of the change list.

An integration's seed case passes whether it was created or left as it was; "PASSED" (or the
old "SEEDED") said the same for both, so a run that changed nothing looked like one that
wrote everything. The letter and the word say the action instead, and the summary lists what
changed by name, the way Terraform shows a plan: `+` created, `~` updated, `-` deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from seeding_suite.plugin.stage import SeedCase

Markup = dict[str, bool]
Status = tuple[str, str, tuple[str, Markup]]

# action: (progress letter, verbose word, markup)
_SHOWN: dict[str, tuple[str, str, Markup]] = {
    "created": ("+", "CREATED", {"green": True}),
    "updated": ("~", "UPDATED", {"green": True}),
    "reseeded": ("R", "RESEEDED", {"green": True}),
    "deleted": ("-", "DELETED", {"green": True}),
    "unchanged": (".", "UNCHANGED", {"green": True}),
    "skipped": ("s", "SKIPPED", {"yellow": True}),
    "failed": ("F", "FAILED", {"red": True}),
}
_PLANNED = {  # what a --plan run would do: nothing is written
    "created": "WOULD CREATE",
    "updated": "WOULD UPDATE",
    "reseeded": "WOULD RESEED",
    "deleted": "WOULD DELETE",
}


def seed_status(outcome: str, when: str, properties: Mapping[str, object]) -> Status:
    """pytest_report_teststatus's answer for one report of a seed case (see reporting.py)."""
    if when == "setup" and outcome == "failed":
        return "error", "E", ("ERROR", {"red": True})
    if when == "setup" and outcome == "passed":
        return "", "", ("", {})  # the call report tells
    action = str(properties.get("action", "failed"))
    letter, word, markup = _SHOWN.get(action, _SHOWN["failed"])
    if properties.get("plan") == "true":
        word = _PLANNED.get(action, word)
    return outcome, letter, (word, markup)


def change_lines(cases: Iterable[SeedCase], *, verbose: bool) -> list[str]:
    """What the run changed, deletions first: `+ github 1.2.0`, `~ stripe 2.3.0 -> 2.4.0`,
    `- old-thing`; unchanged integrations only when verbose."""
    deleted: list[str] = []
    changed: list[str] = []
    for case in cases:
        props = dict(case.properties)
        action, name, version = props["action"], props["integration"], props["version"]
        if action == "deleted":
            deleted.append(f"- {name}")
        elif action == "created":
            changed.append(f"+ {name} {version}")
        elif action == "updated":
            was = case.previous
            moved = was is not None and was != version
            changed.append(f"~ {name} {was} -> {version}" if moved else f"~ {name} {version}")
        elif action == "reseeded":
            changed.append(f"~ {name} {version} (reseeded)")
        elif action == "unchanged" and verbose:
            changed.append(f"  {name} {version} (unchanged)")
    return sorted(deleted) + sorted(changed, key=lambda line: line[2:])
