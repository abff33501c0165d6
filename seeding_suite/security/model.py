"""What the security rules read and what they return: a scanned document and its hits.

A `Document` is one manifest as the rules see it: its plain data, its raw text, its trust level
and every string value with its field path, walked once and shared by all rules (DESIGN §9:
scanning runs on every manifest of every CI run, so nothing is walked twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from seeding_suite.findings import FieldPath, Severity

Trust = Literal["official", "community"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Hit:
    """One thing a rule found: `kind` is the rule id's sub-rule (`urls.scheme`).

    `path` is the field holding it; `line`/`column` are set when the rule knows them from the
    raw text (a comment has no field), else they are looked up from `path` when reported.
    """

    kind: str
    message: str
    path: FieldPath = ()
    line: int | None = None
    column: int | None = None
    in_value: bool = False  # found in the raw text inside a value: its field is looked up

    @property
    def rule(self) -> str:
        return self.kind.partition(".")[0]


@dataclass(frozen=True)
class Identity:
    """An official integration's id and display name, which community ones must not mimic."""

    id: str
    name: str


# YAML escapes that spell a character differently from the raw text (`"java\x73cript:"`): a
# file using them is searched value by value, decoded, instead of as raw text.
_ESCAPES = re.compile(r"\\[xuUN_LP0-9]")


@dataclass(frozen=True)
class Found:
    """One match of a rule's pattern: in the raw text (`path` None) or in a decoded value."""

    match: re.Match[str]
    path: FieldPath | None = None


@dataclass
class Document:
    """One manifest under scan. `data` is the parsed YAML (any shape: schema may have failed).

    Rules search it with `search(pattern)`: one C-speed pass of the pattern over the raw text
    (comments included), or, when the text uses YAML escapes, over each decoded string value.
    Field paths and positions are worked out only for what was found (`hit`).
    """

    data: Any
    text: str
    trust: Trust
    officials: tuple[Identity, ...] = ()
    path_at: Callable[[int, int], FieldPath] = lambda line, column: ()
    open_gates: frozenset[str] | None = None  # None: every gate open (see security.gates)

    def gate(self, name: str) -> bool:
        """Whether the raw text matched gate `name` (always, for a file read decoded)."""
        return self.open_gates is None or self.decoded or name in self.open_gates

    @cached_property
    def decoded(self) -> bool:
        """Whether values must be searched decoded (the raw text hides characters)."""
        return "\\" in self.text and _ESCAPES.search(self.text) is not None

    def search(self, pattern: re.Pattern[str], fast: Any = None) -> Iterator[Found]:
        """Matches of `pattern`. `fast`, an RE2 pattern finding where `pattern` can start (a
        superset), makes the pass over the raw text linear; `pattern` then only confirms."""
        if not self.decoded:
            if fast is None:
                for match in pattern.finditer(self.text):
                    yield Found(match)
                return
            for candidate in fast.finditer(self.text):
                confirmed = pattern.match(self.text, candidate.start())
                if confirmed is not None:
                    yield Found(confirmed)
            return
        for path, value in self.strings:
            for match in pattern.finditer(value):
                yield Found(match, path)

    def hit(self, kind: str, message: str, found: Found) -> Hit:
        """A hit at what `search` found: its field, or its raw-text place (field looked up)."""
        if found.path is not None:
            return Hit(kind, message, found.path)
        offset = found.match.start()
        line, column = self.line_of(offset)
        return Hit(kind, message, line=line, column=column, in_value=not self.commented(found))

    def field_of(self, found: Found) -> FieldPath:
        """The field holding what was found (() in a comment); slow path, for candidates only."""
        if found.path is not None:
            return found.path
        if self.commented(found):
            return ()
        return self.path_at(*self.line_of(found.match.start()))

    def commented(self, found: Found) -> bool:
        return found.path is None and in_comment(self.text, found.match.start())

    @cached_property
    def strings(self) -> list[tuple[FieldPath, str]]:
        """Every string value (not keys) with its field path, in document order (slow path)."""
        return [(path, value) for path, value in walk(self.data) if isinstance(value, str)]

    @property
    def integration_id(self) -> str | None:
        value = self.data.get("id") if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else None

    @property
    def name(self) -> str | None:
        value = self.data.get("name") if isinstance(self.data, dict) else None
        return value if isinstance(value, str) else None

    def line_of(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset into `text`."""
        line = self.text.count("\n", 0, offset)
        start = self.text.rfind("\n", 0, offset) + 1
        return line + 1, offset - start + 1


@dataclass(frozen=True)
class Limits:
    """Thresholds of the resources and payloads rules (configurable in pyproject)."""

    max_enum: int = 1000
    max_examples: int = 100
    max_schema_depth: int = 32
    min_blob_length: int = 64


@dataclass(frozen=True)
class HostList:
    """Hosts, matched with their subdomains; its repr is a digest (a feed has 100,000 lines).

    The repr is part of every cache key (checks/base.py), so it must change when the hosts do
    and stay short.
    """

    hosts: frozenset[str] = field(default_factory=frozenset)

    def __repr__(self) -> str:
        import hashlib

        digest = hashlib.sha256("\n".join(sorted(self.hosts)).encode()).hexdigest()[:16]
        return f"HostList({len(self.hosts)} hosts, sha256 {digest})"

    def __bool__(self) -> bool:
        return bool(self.hosts)

    def matches(self, host: str) -> str | None:
        """The listed host that `host` is or is a subdomain of, else None."""
        labels = host.lower().rstrip(".").split(".")
        for start in range(len(labels)):
            candidate = ".".join(labels[start:])
            if candidate in self.hosts:
                return candidate
        return None


def in_comment(text: str, offset: int) -> bool:
    """Whether `offset` in YAML text is inside a comment (a `#` after blank or line start)."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    return before.lstrip().startswith("#") or " #" in before or "\t#" in before


def walk(data: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, Any]]:
    """Every value under `data` with its path, parents first (iterative: no recursion limit)."""
    stack: list[tuple[FieldPath, Any]] = [(path, data)]
    while stack:
        here, value = stack.pop()
        yield here, value
        if isinstance(value, dict):
            children = [((*here, str(k)), v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [((*here, i), v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(children))


@dataclass(frozen=True)
class Kind:
    """A sub-rule: its id (`urls.scheme`), what it catches, and its default severity per trust.

    Community manifests get the stricter default (issue 15): a community publisher is not
    reviewed the way the official catalog is.
    """

    id: str
    description: str
    official: Severity | None  # None: not checked for official manifests
    community: Severity


@dataclass(frozen=True)
class Context:
    """The settings every rule may read."""

    limits: Limits = field(default_factory=Limits)
    denylist: HostList = field(default_factory=HostList)
    allowed_hosts: HostList = field(default_factory=HostList)
