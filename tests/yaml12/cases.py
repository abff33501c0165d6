"""Hand-written YAML 1.2 cases in the shapes of the official YAML test suite (yaml-test-suite):
each is a stream (`yaml`) and the data it means (`json`, as the suite's in.json), or None where
it is not one mapping of plain data. Written for this project from the spec; none is copied.

`refused` says why the loader refuses a case that YAML 1.2 reads as plain data anyway (the
product's choice, DESIGN §10, or yaml-rs's limit: never a silent change); every other case with
data must load to exactly that data. `reference_gap` says where ruamel's parser, under the
reference reading, refuses valid YAML 1.2 (it must still refuse it: a fix there shows here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    name: str
    yaml: str
    json: Any  # None: not valid YAML 1.2, or not one mapping of plain data
    refused: str = ""
    reference_gap: str = ""


CASES = [
    # --- plain scalars and the core schema's resolution
    Case("core-null", "a: null\nb: Null\nc: NULL\nd: ~\ne:\n", {k: None for k in "abcde"}),
    Case(
        "core-bool",
        "a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\n",
        {"a": True, "b": True, "c": True, "d": False, "e": False, "f": False},
    ),
    Case(
        "yaml11-booleans-are-strings",
        "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: n\n",
        {"a": "yes", "b": "No", "c": "on", "d": "OFF", "e": "y", "f": "n"},
    ),
    Case(
        "core-int",
        "a: 0\nb: -19\nc: +12\nd: 0o14\ne: 0x1F\nf: 0777\ng: 12345678901234567890\n",
        {"a": 0, "b": -19, "c": 12, "d": 12, "e": 31, "f": 777, "g": 12345678901234567890},
    ),
    Case(
        "core-float",
        "a: 1.5\nb: -.5\nc: 1.\nd: 1e3\ne: 6.02E+23\nf: +0.25e-2\n",
        {"a": 1.5, "b": -0.5, "c": 1.0, "d": 1000.0, "e": 6.02e23, "f": 0.0025},
    ),
    Case(
        "number-like-strings",
        "a: 1.2.3\nb: 1:30\nc: 0o8\nd: 0xG\ne: 1e\nf: .e3\ng: 2001-12-14\nh: 12:30:00\ni: 1,000\n",
        {
            "a": "1.2.3",
            "b": "1:30",
            "c": "0o8",
            "d": "0xG",
            "e": "1e",
            "f": ".e3",
            "g": "2001-12-14",
            "h": "12:30:00",
            "i": "1,000",
        },
    ),
    Case("underscore-number", "a: 1_000\n", {"a": "1_000"}, "reads like a number"),
    Case("binary-number", "a: 0b1010\n", {"a": "0b1010"}, "reads like a number"),
    Case("upper-hex-prefix", "a: 0X1F\n", {"a": "0X1F"}, "reads like a number"),
    Case("signed-hex", "a: -0x1F\n", {"a": "-0x1F"}, "reads like a number"),
    Case("signed-octal", "a: +0o7\n", {"a": "+0o7"}, "reads like a number"),
    Case("leading-underscore", "a: [x, _1]\n", {"a": ["x", "_1"]}, "reads like a number"),
    Case(
        "underscores-in-words",
        "a: [snake_case, v1_2, a_1, created_at, x_0x1]\n",
        {"a": ["snake_case", "v1_2", "a_1", "created_at", "x_0x1"]},
    ),
    Case("infinity-is-not-json", "a: .inf\n", None),
    Case("nan-is-not-json", "a: .NaN\n", None),
    Case("odd-case-infinity", "a: .iNf\n", {"a": ".iNf"}, "reads like a number"),
    # --- plain multi-line, quoted, escapes
    Case(
        "multi-line-plain",
        "a: one\n  two\n\n  three\nb: x # comment\n",
        {"a": "one two\nthree", "b": "x"},
    ),
    Case(
        "single-quoted",
        "a: 'it''s'\nb: 'one\n  two'\nc: '# not a comment'\nd: ''\n",
        {"a": "it's", "b": "one two", "c": "# not a comment", "d": ""},
    ),
    Case(
        "double-quoted-escapes",
        'a: "tab\\there"\nb: "\\u00e9\\x41\\U0001F600"\nc: "\\/\\"\\\\"\nd: "line\\\n  joined"\n'
        'e: "\\0\\a\\e"\nf: "\\N\\_\\L\\P"\n',
        {
            "a": "tab\there",
            "b": "\u00e9A\U0001f600",
            "c": '/"\\',
            "d": "linejoined",
            "e": "\x00\x07\x1b",
            "f": "\x85\xa0\u2028\u2029",
        },
    ),
    Case(
        "quoted-numbers-are-strings",
        "a: '1'\nb: \"true\"\nc: '~'\n",
        {"a": "1", "b": "true", "c": "~"},
    ),
    Case(
        "quoted-keys",
        '"a b": 1\n\'c: d\': 2\n"<<": 3\n"": 4\n',
        {"a b": 1, "c: d": 2, "<<": 3, "": 4},
    ),
    Case(
        "unicode-text",
        "name: Zoë 😀\ndesc: ¿Qué tal? — 東京\n",
        {"name": "Zoë 😀", "desc": "¿Qué tal? — 東京"},
    ),
    Case("nel-is-content", "a: x\x85y\nb: 'p\u2028q'\n", {"a": "x\x85y", "b": "p\u2028q"}),
    # --- block scalars
    Case(
        "literal-chomping",
        "clip: |\n  a\n  b\n\nstrip: |-\n  a\n\nkeep: |+\n  a\n\nlast: x\n",
        {"clip": "a\nb\n", "strip": "a", "keep": "a\n\n", "last": "x"},
    ),
    Case(
        "folded",
        "a: >\n  one\n  two\n\n  three\n    indented\n  four\nb: >-\n  x\n  y\n",
        {"a": "one two\nthree\n  indented\nfour\n", "b": "x y"},
    ),
    Case(
        "indentation-indicator",
        "a: |2\n   leading space\n  b\nc: >1\n  more\n",
        {"a": " leading space\nb\n", "c": " more\n"},
    ),
    Case(
        "block-scalar-with-hash",
        "a: |\n  # not a comment\n  x # nor this\n# a comment\nb: 1\n",
        {"a": "# not a comment\nx # nor this\n", "b": 1},
    ),
    # --- collections
    Case(
        "block-nesting",
        "a:\n  - b: 1\n    c: [x, y]\n  - - nested\n    - list\n  -\n    d: {}\n",
        {"a": [{"b": 1, "c": ["x", "y"]}, ["nested", "list"], {"d": {}}]},
    ),
    Case(
        "flow-collections",
        "a: {b: 1, c: [2, {d: e}], 'f': \"g\", h: }\ni: [ ]\nj: [a, b,]\n",
        {"a": {"b": 1, "c": [2, {"d": "e"}], "f": "g", "h": None}, "i": [], "j": ["a", "b"]},
    ),
    Case(
        "flow-multi-line",
        "a: [one,\n  two, {three: 3,\n  four: 4}]\n",
        {"a": ["one", "two", {"three": 3, "four": 4}]},
    ),
    Case(
        "json-like",
        '{"a": 1, "b": [true, null, "x"], "c": {"d": -1.5}}\n',
        {"a": 1, "b": [True, None, "x"], "c": {"d": -1.5}},
    ),
    Case("compact-sequence-in-mapping", "a:\n- 1\n- 2\nb: 3\n", {"a": [1, 2], "b": 3}),
    Case("explicit-key", "? a\n: 1\n? b\n", {"a": 1, "b": None}),
    Case("complex-key", "? [a, b]\n: 1\n", None),
    Case("number-key", "1: one\n", None),
    Case("null-key", "~: one\n", None),
    Case("duplicate-key", "a: 1\na: 2\n", None),
    # --- comments
    Case(
        "comments",
        "# head\na: 1 # trailing\n# between\nb: 'x' #c\nc: x#not-a-comment\n  # indented\n",
        {"a": 1, "b": "x", "c": "x#not-a-comment"},
    ),
    Case("comment-odd-characters", "a: 1 # ¿✓ <<: !!binary &x *y %TAG\nb: 2\n", {"a": 1, "b": 2}),
    # --- anchors and aliases
    Case(
        "anchors",
        "base: &b {x: 1}\ncopy: *b\nlist: [&i 7, *i]\nscalar: &s text\nagain: *s\n",
        {"base": {"x": 1}, "copy": {"x": 1}, "list": [7, 7], "scalar": "text", "again": "text"},
    ),
    Case(
        "anchor-names-as-yaml-1.2-allows",
        "a: &a.b:c 1\nb: *a.b:c\nc: &ü [x]\nd: *ü\ne: &:: y\nf: *::\n",
        {"a": 1, "b": 1, "c": ["x"], "d": ["x"], "e": "y", "f": "y"},
    ),
    Case("anchor-redefined", "a: &x 1\nb: &x 2\nc: *x\n", {"a": 1, "b": 2, "c": 2}),
    Case("anchor-on-empty", "a: &e\nb: *e\n", {"a": None, "b": None}),
    Case("alias-as-key", "k: &k key\n*k : v\n", {"k": "key", "key": "v"}),
    Case("undefined-alias", "a: *nothing\n", None),
    Case("recursive-alias", "a: &a\n  b: *a\n", None),
    Case(
        "anchor-redefined-inside",
        "a: &x\n  b: &x 1\n  c: *x\n",
        {"a": {"b": 1, "c": 1}},
    ),
    Case(
        "merge-key",
        "b: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
        {"b": {"x": 1}, "c": {"<<": {"x": 1}, "y": 2}},
        "merge keys",
    ),
    Case(
        "merge-key-in-flow",
        "b: &b {x: 1}\nc: {<<: *b}\n",
        {"b": {"x": 1}, "c": {"<<": {"x": 1}}},
        "merge keys",
    ),
    # --- tags
    Case(
        "core-tags",
        "a: !!str 12\nb: !!int '12'\nc: !!float 1\nd: !!bool true\ne: !!null ''\n"
        "f: !!map {x: 1}\ng: !!seq [1]\nh: !!str\n",
        {"a": "12", "b": 12, "c": 1.0, "d": True, "e": None, "f": {"x": 1}, "g": [1], "h": ""},
    ),
    Case("non-specific-tag", "a: ! 12\nb: ! true\n", {"a": "12", "b": "true"}),
    Case("verbatim-str-tag", "a: !<tag:yaml.org,2002:str> 12\n", {"a": "12"}),
    Case(
        "verbatim-int-tag",
        "a: &n !<tag:yaml.org,2002:int> '7'\n",
        {"a": 7},
        "its verbatim form",
    ),
    Case(
        "primary-handle-to-core",
        "%TAG ! tag:yaml.org,2002:\n---\na: !int '7'\nb: !str 8\n",
        {"a": 7, "b": "8"},
    ),
    Case("secondary-handle-redefined", "%TAG !! tag:example.com:\n---\na: !!int '7'\n", None),
    Case(
        "tag-directive-to-core",
        "%TAG !c! tag:yaml.org,2002:\n---\na: !c!str 12\n",
        {"a": "12"},
    ),
    Case("tag-directive-elsewhere", "%TAG !e! tag:example.com,2000:\n---\na: !e!x 12\n", None),
    Case("binary-tag", "a: !!binary aGVsbG8=\n", None),
    Case("local-tag", "a: !foo bar\n", None),
    Case("local-tag-on-mapping", "a: !thing {b: 1}\n", None),
    Case("python-tag", "a: !!python/object/apply:os.system [ls]\n", None),
    Case("set-tag", "a: !!set {x, y}\n", None),
    Case("omap-tag", "a: !!omap [x: 1]\n", None),
    Case("timestamp-tag", "a: !!timestamp 2001-12-14\n", None),
    Case("verbatim-binary", "a: !<tag:yaml.org,2002:binary> aGVsbG8=\n", None),
    Case("int-tag-on-a-word", 'a: !!int "abc"\n', None),
    Case("int-tag-with-underscores", "a: !!int 1_000\n", None),
    Case("bool-tag-on-yes", "a: !!bool yes\n", None),
    Case("map-tag-on-a-list", "a: !!map [1]\n", None),
    Case("str-tag-on-a-mapping", "a: !!str {b: 1}\n", None),
    Case(
        "exclamation-in-text",
        "a: Hello !world\nb: wow!!\nc: '!foo'\n",
        {"a": "Hello !world", "b": "wow!!", "c": "!foo"},
    ),
    # --- directives, documents, BOM, line breaks, tabs
    Case("yaml-directive", "%YAML 1.2\n---\na: 1\n", {"a": 1}),
    Case("explicit-document", "---\na: 1\n...\n", {"a": 1}),
    Case("two-documents", "a: 1\n---\nb: 2\n", None),
    Case("top-level-list", "- a\n- b\n", None),
    Case("top-level-scalar", "just text\n", None),
    Case("leading-bom", "\ufeffa: 1\n", {"a": 1}),
    Case("bom-inside", "a: 1\n\ufeffb: 2\n", None),
    Case("bom-in-a-string", "a: 'x\ufeffy'\n", None),
    Case(
        "crlf",
        "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: 'p\r\n  q'\r\n",
        {"a": 1, "b": "x\ny\n", "c": "p q"},
    ),
    Case(
        "tab-in-values",
        "a: x\ty\nb: 'p\tq'\nc: \"\t\"\n",
        {"a": "x\ty", "b": "p\tq", "c": "\t"},
        reference_gap="ruamel refuses a tab inside a plain scalar",
    ),
    Case(
        "tab-after-colon",
        "a:\t1\n",
        {"a": 1},
        "must be followed by a valid YAML whitespace",
        reference_gap="ruamel refuses a tab as separation after a colon",
    ),
    Case("tab-indentation", "a:\n\tb: 1\n", None),
    Case("no-final-newline", "a: 1", {"a": 1}),
    # --- characters YAML forbids
    Case("nul-in-comment", "a: 1 # x\x00y\nb: 2\n", None),
    Case("nul-in-value", "a: x\x00y\nb: 2\n", None),
    Case("escape-control", "a: x\x01y\n", None),
    Case("del", "a: x\x7fy\n", None),
    Case("c1-control", "a: x\x9by\n", None),
    Case("noncharacter", "a: x\uffffy\n", None),
    Case("escaped-nul-is-fine", 'a: "x\\0y"\n', {"a": "x\x00y"}),
]
