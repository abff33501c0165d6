"""The Convex value model: validation, the two JSON codecs, size, nesting and total order.

Python values: None, bool, float (Float64), Int64, bytes, str, list and dict[str, value].
A Python int given by a caller is a Float64, as every JSON number is on the wire.
"""

from __future__ import annotations

import base64
import binascii
import enum
import math
import struct
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias, TypeGuard

from fakes.convex.errors import InvalidValue

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
MAX_SAFE_INT: Final = 2**53
MAX_NESTING: Final = 64
MAX_ARRAY_LEN: Final = 8192
MAX_OBJECT_FIELDS: Final = 1024
MAX_FIELD_NAME_LEN: Final = 1024

ValueFormat: TypeAlias = Literal["convex_encoded_json", "json"]


@dataclass(frozen=True, slots=True)
class Int64:
    """A Convex Int64 (a JS bigint); plain Python ints mean Float64."""

    value: int

    def __post_init__(self) -> None:
        if type(self.value) is not int or not INT64_MIN <= self.value <= INT64_MAX:
            raise InvalidValue(f"Int64 out of range or not an int: {self.value!r}")


class Unset(enum.Enum):
    """JS `undefined`: stripped from objects, removes a field in a patch, matches "missing"."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

Value: TypeAlias = bool | float | Int64 | bytes | str | list["Value"] | dict[str, "Value"] | None
Json: TypeAlias = bool | int | float | str | list["Json"] | dict[str, "Json"] | None


def is_plain_field_name(name: object) -> TypeGuard[str]:
    """True for a legal field name: the check_field_name rules, without building a message."""
    return (
        type(name) is str
        and 0 < len(name) <= MAX_FIELD_NAME_LEN
        and name[0] != "$"
        and name.isascii()
        and name.isprintable()  # for ASCII: no control characters
    )


def check_field_name(name: object) -> str:
    """Return `name` if it is a legal Convex field name, else raise InvalidValue."""
    if is_plain_field_name(name):
        return name
    if not isinstance(name, str):
        raise InvalidValue(f"Field name {name!r} is not a string")
    if not name:
        raise InvalidValue("Field name cannot be empty")
    if name[0] == "$":
        raise InvalidValue(f"Field name {name} starts with '$', which is reserved.")
    for char in name:
        if not " " <= char <= "~":
            raise InvalidValue(
                f"Field name {name} has invalid character {char!r}: Field names can only "
                "contain non-control ASCII characters"
            )
    if len(name) > MAX_FIELD_NAME_LEN:
        raise InvalidValue(f"Field name is too long ({len(name)} > maximum {MAX_FIELD_NAME_LEN})")
    return name


def _check_string(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(f"String {text[:40]!r} is not valid Unicode (lone surrogate)") from None
    return text


def normalize_value(value: object, *, _depth: int = 0) -> Value:
    """Validate `value` and return a private copy in canonical form (ints become floats).

    Objects drop UNSET fields (JS drops `undefined`); UNSET anywhere else is an error.
    Raises InvalidValue naming the first problem.
    """
    if value is None or isinstance(value, bool | float | Int64):
        return value
    if isinstance(value, str):
        return _check_string(value)
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise InvalidValue(f"Integer {value} is outside the Float64-safe range; use Int64")
        return float(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if _depth >= MAX_NESTING:
        raise InvalidValue(f"Value is too nested (nested > maximum nesting {MAX_NESTING})")
    if isinstance(value, list):
        if len(value) > MAX_ARRAY_LEN:
            raise InvalidValue(
                f"Array length is too long ({len(value)} > maximum length {MAX_ARRAY_LEN})"
            )
        if any(item is UNSET for item in value):
            raise InvalidValue("undefined is not a valid Convex value (inside an array)")
        return [normalize_value(item, _depth=_depth + 1) for item in value]
    if isinstance(value, dict):
        fields = {check_field_name(k): v for k, v in value.items() if v is not UNSET}
        if len(fields) > MAX_OBJECT_FIELDS:
            raise InvalidValue(
                f"Object has too many fields ({len(fields)} > maximum number {MAX_OBJECT_FIELDS})"
            )
        return {k: normalize_value(v, _depth=_depth + 1) for k, v in fields.items()}
    if value is UNSET:
        raise InvalidValue("undefined is not a valid Convex value")
    raise InvalidValue(f"{type(value).__name__} is not a supported Convex type: {value!r}")


_CONTAINERS: Final = (list, dict)


def copy_value(value: Value) -> Value:
    """A deep copy of an already valid value (faster than copy.deepcopy).

    Scalars are immutable and shared; only lists and objects are rebuilt.
    """
    if isinstance(value, list):
        return [copy_value(item) if isinstance(item, _CONTAINERS) else item for item in value]
    if isinstance(value, dict):
        copied = value.copy()  # in C; then only the nested containers are replaced
        for k, v in value.items():
            if isinstance(v, _CONTAINERS):
                copied[k] = copy_value(v)
        return copied
    return value


# ---------------------------------------------------------------- codec


def _b64decode(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise InvalidValue(f"{what} must be a base64 string, got {text!r}")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidValue(f"{what} is not valid base64: {text!r}") from None


def _is_special_float(number: float) -> bool:
    return not math.isfinite(number) or (number == 0.0 and math.copysign(1.0, number) < 0)


def _decode_special(key: str, payload: object) -> Value:
    if key == "$bytes":
        return _b64decode(payload, "$bytes")
    raw = _b64decode(payload, key)
    if len(raw) != 8:
        raise InvalidValue(f"{key} must encode exactly 8 bytes, got {len(raw)}")
    if key == "$integer":
        return Int64(struct.unpack("<q", raw)[0])
    number: float = struct.unpack("<d", raw)[0]
    if not _is_special_float(number):
        raise InvalidValue(f"Float64 {number} should be encoded as a number, not as $float")
    return number


def decode_convex_json(obj: object, *, _depth: int = 0) -> Value:
    """Decode Convex-encoded JSON (as parsed by `json.loads`) into a value.

    Every JSON number is a Float64; `{"$integer"|"$bytes"|"$float": ...}` are the only
    `$` keys allowed. Raises InvalidValue.
    """
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, str):
        return _check_string(obj)
    if isinstance(obj, int | float):
        number = float(obj)
        if not math.isfinite(number):
            raise InvalidValue(f"Non-finite number {obj!r} must be encoded with $float")
        return number
    if _depth >= MAX_NESTING:
        raise InvalidValue(f"Value is too nested (nested > maximum nesting {MAX_NESTING})")
    if isinstance(obj, list):
        if len(obj) > MAX_ARRAY_LEN:
            raise InvalidValue(
                f"Array length is too long ({len(obj)} > maximum length {MAX_ARRAY_LEN})"
            )
        return [decode_convex_json(item, _depth=_depth + 1) for item in obj]
    if isinstance(obj, dict):
        if len(obj) == 1:
            ((key, payload),) = obj.items()
            if key in ("$integer", "$bytes", "$float"):
                return _decode_special(key, payload)
        if len(obj) > MAX_OBJECT_FIELDS:
            raise InvalidValue(
                f"Object has too many fields ({len(obj)} > maximum number {MAX_OBJECT_FIELDS})"
            )
        return {
            check_field_name(k): decode_convex_json(v, _depth=_depth + 1) for k, v in obj.items()
        }
    raise InvalidValue(f"{type(obj).__name__} is not a JSON value: {obj!r}")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _encode_float(number: float, fmt: ValueFormat) -> Json:
    if not _is_special_float(number):
        return number
    if fmt == "convex_encoded_json":
        return {"$float": _b64(struct.pack("<d", number))}
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number  # -0.0 is a plain JSON number in the lossy format


def encode_value(value: Value, fmt: ValueFormat) -> Json:
    """Encode a value as JSON-able data in one of Convex's output formats (research §1.4)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, float):
        return _encode_float(value, fmt)
    if isinstance(value, Int64):
        if fmt == "convex_encoded_json":
            return {"$integer": _b64(struct.pack("<q", value.value))}
        return str(value.value)
    if isinstance(value, bytes):
        return {"$bytes": _b64(value)} if fmt == "convex_encoded_json" else _b64(value)
    if isinstance(value, list):
        return [encode_value(item, fmt) for item in value]
    if isinstance(value, dict):
        return {k: encode_value(v, fmt) for k, v in value.items()}
    raise InvalidValue(f"{type(value).__name__} is not a Convex value: {value!r}")


# ---------------------------------------------------------------- size and nesting


def value_size(value: Value) -> int:
    """Convex's notion of a value's size, used by the document, argument and write limits."""
    if isinstance(value, str):
        return (len(value) if value.isascii() else len(value.encode("utf-8"))) + 2
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, float | Int64 | int):
        return 9
    if isinstance(value, bytes):
        return len(value) + 2
    if isinstance(value, list):
        return 2 + sum(value_size(item) for item in value)
    return 2 + sum(len(k) + 1 + value_size(v) for k, v in value.items())


def nesting(value: Value) -> int:
    """Scalars are 0; an array or object is 1 + its deepest child (an empty one is 1)."""
    if isinstance(value, list):
        return 1 + max((nesting(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((nesting(v) for v in value.values()), default=0)
    return 0


# ---------------------------------------------------------------- total order

SortKey: TypeAlias = tuple[object, ...]
MAX_SORT_KEY: Final[SortKey] = (99,)
"""Sorts after every value's key: used to build exclusive index range bounds."""

_FLOAT_SIGN_FLIP: Final = 0x7FFF_FFFF_FFFF_FFFF


def _float_key(number: float) -> int:
    bits: int = struct.unpack("<q", struct.pack("<d", number))[0]
    return bits if bits >= 0 else bits ^ _FLOAT_SIGN_FLIP


def sort_key(value: Value | Unset) -> SortKey:
    """A tuple that Python orders exactly as Convex orders values.

    missing < null < Int64 < Float64 < false < true < String < Bytes < Array < Object;
    floats by IEEE total order, strings by UTF-8 bytes, arrays element-wise, objects by
    their (sorted key, value) pairs.
    """
    if type(value) is str:  # the common cases first: index fields and ids
        return (6, value.encode("utf-8"))
    if type(value) is float:
        return (3, _float_key(value))
    if value is UNSET:
        return (0,)
    if value is None:
        return (1,)
    if isinstance(value, bool):
        return (5,) if value else (4,)
    if isinstance(value, Int64):
        return (2, value.value)
    if isinstance(value, float | int):
        return (3, _float_key(float(value)))
    if isinstance(value, str):
        return (6, value.encode("utf-8"))
    if isinstance(value, bytes):
        return (7, value)
    if isinstance(value, list):
        return (8, tuple(sort_key(item) for item in value))
    return (9, tuple((k.encode(), sort_key(value[k])) for k in sorted(value)))


def compare_values(a: Value | Unset, b: Value | Unset) -> int:
    """-1, 0 or 1 as `a` sorts before, with or after `b` in Convex's total order."""
    key_a, key_b = sort_key(a), sort_key(b)
    return (key_a > key_b) - (key_a < key_b)
