"""Generated YAML documents: whatever the fast loader accepts, it reads as YAML 1.2's core
schema does (tests/support/reference_yaml.py); otherwise it refuses the file (issue 12).

The documents are block mappings with nested mappings, lists and flow lists; scalars plain
(numbers and number-likes of YAML 1.1 and 1.2, yes/no, nulls, `!`, `&`, `#`, `:` inside,
non-ASCII, NEL), single- or double-quoted, or literal blocks; tags core and not; anchors named
as YAML 1.2 allows and aliases to them; comments with odd characters, some forbidden.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from seeding_suite.loading.yaml import YamlLoadError, load_yaml
from tests.support import reference_yaml

PLAIN = [
    "1", "-2", "+3", "0", "00", "-0", "0o17", "0o8", "0x1F", "0xg", "0777", "1.5", "1e3",
    "6.02E+23", ".5", "1.", "1_000", "1__0", "_1", "0b11", "0X1F", "-0x1", "+0o7", ".inf",
    "-.Inf", ".NaN", ".iNf", "yes", "No", "on", "OFF", "true", "False", "TRUE", "null", "~",
    "Null", "1.2.3", "2001-12-14", "12:30:00", "1:30", "a b", "x#y", "Hello !world", "wow!!",
    "R&D", "Q&A & more", "a*b", "ü", "東京", "😀", "x\x85y", "snake_case_1", "v1_2",
    "created_at", "a:b", "<<", "!", "-x", "a'b", 'a"b', "%", "@x", "1,000",
]  # fmt: skip
TAGS = [""] * 16 + ["!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "! ", "!foo "]
TAGS += ["!!binary ", "!<tag:yaml.org,2002:str> ", "!<tag:yaml.org,2002:int> "]
COLLECTION_TAGS = ["", "", "", "!!map ", "!!seq ", "!!set ", "!thing "]
ODD = list("abc <<!!&*:#%@'\"-[]{},ü😀\t\x85")
FORBIDDEN = ["\x00", "\x1b", "\x7f", "\x9b", "\ufeff", "\uffff"]
# Quoted and block text: any assigned character but surrogates, controls and the BOM.
ALLOWED = st.characters(exclude_categories=["Cs", "Cc", "Cn"], exclude_characters="\ufeff")
TEXT = st.text(alphabet=ALLOWED | st.sampled_from(["\t", *ODD]), max_size=10)
# One document in five may also hold characters YAML forbids, in comments and text.
HOSTILE_TEXT = st.text(alphabet=st.sampled_from(ODD * 3 + FORBIDDEN), max_size=10)
WORDS = st.from_regex(r"[A-Za-z][\w .-]{0,8}\w", fullmatch=True)
NAMES = st.from_regex(r"[a-z][a-z0-9]{0,3}(\.[a-z]|-[0-9]|ü)?", fullmatch=True)
KEYS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.sampled_from(["<<", "'<<'", '"a b"', "'1'", "1", "~", "yes", "'x: y'", '"\\u00e9"']),
)


class Writer:
    """Writes one document top-down, drawing as it goes: aliases name earlier anchors."""

    def __init__(self, data: st.DataObject) -> None:
        self.draw = data.draw
        self.anchors: list[str] = []
        self.lines: list[str] = []
        self.text = HOSTILE_TEXT if self.draw(st.integers(0, 4)) == 0 else TEXT

    def document(self) -> str:
        self.mapping(0, depth=0)
        return "\n".join(self.lines) + "\n"

    def comment(self) -> str:
        if self.draw(st.integers(0, 4)):
            return ""
        return " # " + self.draw(self.text)

    def anchor(self) -> str:
        if self.draw(st.integers(0, 5)):
            return ""
        name = self.draw(NAMES)
        self.anchors.append(name)
        return f"&{name} "

    def mapping(self, indent: int, depth: int) -> None:
        keys = self.draw(st.lists(KEYS, min_size=1, max_size=4))
        for key in keys:
            self.entry(f"{' ' * indent}{key}:", indent, depth)

    def entry(self, head: str, indent: int, depth: int) -> None:
        kinds = ["scalar", "scalar", "flow", "block", "alias"]
        if depth < 3:
            kinds += ["mapping", "list"]
        kind = self.draw(st.sampled_from(kinds))
        if kind == "alias" and self.anchors:
            self.lines.append(f"{head} *{self.draw(st.sampled_from(self.anchors))}")
        elif kind == "mapping":
            tag = self.draw(st.sampled_from(COLLECTION_TAGS))
            self.lines.append(f"{head} {self.anchor()}{tag}".rstrip() + self.comment())
            self.mapping(indent + 2, depth + 1)
        elif kind == "list":
            self.lines.append(f"{head}{self.comment()}")
            for _ in range(self.draw(st.integers(1, 3))):
                self.entry(f"{' ' * (indent + 2)}-", indent + 4, depth + 1)
        elif kind == "flow":
            items = [self.scalar(inline=True) for _ in range(self.draw(st.integers(0, 3)))]
            self.lines.append(f"{head} {self.anchor()}[{', '.join(items)}]{self.comment()}")
        elif kind == "block":
            chomp = self.draw(st.sampled_from(["", "-", "+"]))
            self.lines.append(f"{head} {self.anchor()}|{chomp}{self.comment()}")
            for text in self.draw(st.lists(self.text, min_size=1, max_size=3)):
                self.lines.append(f"{' ' * (indent + 2)}x{text}")
        else:
            self.lines.append(f"{head} {self.anchor()}{self.scalar()}{self.comment()}")

    def scalar(self, *, inline: bool = False) -> str:
        tag = self.draw(st.sampled_from(TAGS))
        style = self.draw(st.sampled_from(["plain", "plain", "single", "double"]))
        if style == "plain":
            text = self.draw(st.sampled_from(PLAIN) | WORDS)
        else:
            text = self.draw(self.text | st.sampled_from(PLAIN))
        if style == "single":
            text = "'" + text.replace("'", "''") + "'"
        elif style == "double":
            text = json.dumps(text, ensure_ascii=self.draw(st.booleans()))
        return tag + text


def typed(data: Any) -> str:
    return json.dumps(data, sort_keys=True)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_what_the_loader_accepts_means_what_yaml_1_2_says(data: st.DataObject) -> None:
    text = Writer(data).document()
    try:
        loaded = load_yaml(text.encode("utf-8"))
    except YamlLoadError:
        event("refused")
        return
    event("accepted")
    try:
        expected = reference_yaml.read(text)
    except reference_yaml.NotPlainData as exc:
        raise AssertionError(f"accepted, but YAML 1.2 says: {exc}\n{text}") from None
    assert typed(loaded) == typed(expected), text
