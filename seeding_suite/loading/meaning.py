"""Where the fast loader would change a file's meaning, and the precise check that decides.

yaml-rs reads some YAML differently from YAML 1.2's core schema, without a word: a tag it does
not know (`!!binary`, `!foo`, a `%TAG` prefix of its own) is dropped and the value kept as a
string, a tag on a collection is ignored (`!!set` makes a Python set), a merge key `<<` stays a
literal key, and `1_000`, `0b101`, `0X1F` or `-0x1F` are read as numbers (YAML 1.2: strings).
A manifest is plain data, so each of these is refused, with its position (DESIGN §10).
`1_000` is refused rather than read as the string YAML 1.2 makes of it: authors who write it
mean a number (YAML 1.1 reads one), so the string would change their meaning just as silently.

`may_change_meaning` is the cheap scan run on every file (over-approximating: a `!` that may
start a tag, a `<<`, a number-like token with an underscore or an unusual prefix); only a file
it flags pays for `meaning_problem`, a pass over PyYAML's event stream.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from seeding_suite.loading.events import node_events, position

if TYPE_CHECKING:
    from seeding_suite.findings import FieldPath
    from seeding_suite.loading.events import NodeEvent, Position

CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(CORE + name for name in ("str", "int", "float", "bool", "null"))
_COLLECTION_TAGS = {CORE + "map": yaml.MappingStartEvent, CORE + "seq": yaml.SequenceStartEvent}
_KIND: dict[type[yaml.Event], str] = {
    yaml.MappingStartEvent: "a mapping",
    yaml.SequenceStartEvent: "a list",
}

# YAML 1.2.2 §10.3.2, the core schema's forms (what an explicit !!int etc. may hold).
_CORE_FORMS = {
    CORE + "int": re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    CORE + "float": re.compile(
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    ),
    CORE + "bool": re.compile(r"true|True|TRUE|false|False|FALSE"),
    CORE + "null": re.compile(r"null|Null|NULL|~|"),
}
_CORE_NUMBER = re.compile(
    f"{_CORE_FORMS[CORE + 'int'].pattern}|{_CORE_FORMS[CORE + 'float'].pattern}"
)
# What yaml-rs 0.1 reads as a number in a plain scalar (its scalar.rs: is_int, is_float,
# is_inf_nan): underscores anywhere among the digits, 0b/0o/0x in either case, a sign before
# the prefix, and .inf/.nan in any case.
_YAML_RS_NUMBER = re.compile(
    r"[-+]?(?:0[xX][0-9a-fA-F_]*[0-9a-fA-F][0-9a-fA-F_]*|0[oO][0-7_]*[0-7][0-7_]*"
    r"|0[bB][01_]*[01][01_]*"
    r"|(?:[0-9_]*[0-9][0-9_]*(?:\.[0-9_]*)?|[0-9_]*\.[0-9_]*[0-9][0-9_]*)"
    r"(?:[eE][-+]?[0-9_]*[0-9][0-9_]*)?"
    r"|\.(?i:inf))|\.(?i:nan)"
)

# The pre-scan: a `!` followed by what a tag is made of; `<<`; and where a number-like token
# that yaml-rs and YAML 1.2 may read differently can be (an underscore followed by digit-like
# characters up to a token's end, a 0b/0o/0x prefix, .inf or .nan in any case), checked whole
# by `_numberlike_at`.
_TAG_LIKE = re.compile(r"![^\s!]")
# A node's properties, from where its event starts: an anchor may come before the tag.
_VERBATIM = re.compile(r"(?:&\S+\s+)?!<")
_NUMBER_HINTS = (  # each led by a literal, which the regex engine finds fast: one pass each
    re.compile(r"_[0-9a-fA-F._+-]*(?=[\s,:\]}#]|\Z)"),
    re.compile(r"0[bBoOxX]"),
    re.compile(r"\.[iInN][nNaA][fFnN]"),
)
_TOKEN_CHARS = frozenset("+-._0123456789abcdefABCDEFoOxXiInN")


def may_change_meaning(text: str) -> bool:
    """Whether `text` may hold a tag, a merge key or a number yaml-rs misreads (cheap)."""
    if "<<" in text or _TAG_LIKE.search(text):
        return True
    return any(
        _numberlike_at(text, found.start())
        for hint in _NUMBER_HINTS
        for found in hint.finditer(text)
    )


def _numberlike_at(text: str, index: int) -> bool:
    start = end = index
    while start and text[start - 1] in _TOKEN_CHARS:
        start -= 1
    while end < len(text) and text[end] in _TOKEN_CHARS:
        end += 1
    return _YAML_RS_NUMBER.fullmatch(text, start, end) is not None


def meaning_problem(text: str) -> tuple[str, Position | None, FieldPath] | None:
    """The first tag, merge key or misread number in `text`: what, where, under which field.

    Text PyYAML cannot parse is reported as invalid YAML at its position.
    """
    try:
        for node in node_events(text):
            message = _problem(node, text)
            if message is not None:
                path = node.path[:-1] if node.is_key else node.path
                return message, position(node.event.start_mark), path
    except yaml.MarkedYAMLError as exc:
        return f"invalid YAML: {exc.problem}", position(exc.problem_mark), ()
    except yaml.YAMLError as exc:
        return f"invalid YAML: {exc}", None, ()
    return None


def _problem(node: NodeEvent, text: str) -> str | None:
    event = node.event
    if not isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
        return None
    tag = event.tag
    if tag is not None and tag != "!":  # "!" is the non-specific tag: a quoted-like string
        return _tag_problem(event, tag, text)
    if not isinstance(event, yaml.ScalarEvent) or event.style:
        return None  # the rest concerns plain scalars (libyaml's style "", PyYAML's None)
    value = event.value
    if node.is_key and value == "<<":
        return (
            "merge keys (`<<`) are not supported: YAML 1.2 has no merge key, so the entries "
            'would not be merged (the key would be kept as the literal string "<<"); '
            "write the keys out"
        )
    if _YAML_RS_NUMBER.fullmatch(value) and not _CORE_NUMBER.fullmatch(value):
        return (
            f"{value!r} is a string in YAML 1.2, yet reads like a number (YAML 1.1 makes one "
            "of 1_000 or 0b101); quote it for the string, or write the number in YAML 1.2's "
            "form (digits without underscores, 0o for octal, 0x for hexadecimal)"
        )
    return None


def _tag_problem(
    event: yaml.ScalarEvent | yaml.CollectionStartEvent, tag: str, text: str
) -> str | None:
    shown = shown_tag(tag)
    if tag in _COLLECTION_TAGS:
        wanted = _COLLECTION_TAGS[tag]
        if isinstance(event, wanted):
            return None
        return f"the tag {shown} needs {_KIND[wanted]}, but it is on {_kind_of(event)}"
    if tag not in _SCALAR_TAGS:
        return (
            f"the tag {shown} is not allowed: a manifest holds plain data, and only YAML's "
            "core tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) are accepted"
        )
    if not isinstance(event, yaml.ScalarEvent):
        return f"the tag {shown} needs a single value, but it is on {_kind_of(event)}"
    form = _CORE_FORMS.get(tag)
    if form is not None and not form.fullmatch(event.value):
        return f"{event.value!r} is not a valid value for the tag {shown} (YAML 1.2 core schema)"
    mark = event.start_mark
    if form is not None and mark is not None and _VERBATIM.match(text, mark.index):
        # yaml-rs knows a core tag only by its !! or %TAG form: a verbatim one is dropped.
        return f"write the tag as {shown}: its verbatim form !<{tag}> is not supported"
    return None


def shown_tag(tag: str) -> str:
    """A resolved tag as an author writes it: `!!binary`, `!foo`, `!<tag:example.com:x>`."""
    if tag.startswith(CORE):
        return "!!" + tag[len(CORE) :]
    return tag if tag.startswith("!") else f"!<{tag}>"


def _kind_of(event: yaml.ScalarEvent | yaml.CollectionStartEvent) -> str:
    return _KIND.get(type(event), "a single value")
