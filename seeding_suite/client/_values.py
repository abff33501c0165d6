"""The client's own Convex-JSON codec: Python values to and from "convex_encoded_json".

Deliberately separate from `fakes.convex.values` (style.md §5.5): if both sides shared one
codec, an encoding bug would be agreed on by both and no test could see it.
"""

from __future__ import annotations

import base64
import binascii
import math
import operator
import struct
from collections.abc import Mapping
from typing import Any, Final, SupportsIndex, TypeAlias

__all__ = ["Int64", "JsonValue", "decode_value", "encode_value"]

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
# Every plain JSON number arrives at Convex as a float64; beyond 2**53 ints silently round.
_MAX_EXACT_FLOAT_INT: Final = 2**53
_MAX_FIELD_NAME_LENGTH: Final = 1024
_INTEGER: Final = "$integer"
_BYTES: Final = "$bytes"
_FLOAT: Final = "$float"


class Int64(int):
    """A Convex Int64 (a JavaScript `bigint`), sent as `{"$integer": ...}`.

    A plain Python `int` is sent as a JSON number, which Convex reads as a float64 (protocol
    §1.3); wrap it in `Int64` when the function expects `v.int64()`. Results that hold an
    Int64 decode to this type, so a value read back can be sent again unchanged.
    """

    __slots__ = ()

    def __new__(cls, value: SupportsIndex) -> Int64:
        number = operator.index(value)
        if not _INT64_MIN <= number <= _INT64_MAX:
            raise ValueError(f"{number} does not fit in a signed 64-bit integer")
        return super().__new__(cls, number)

    def __repr__(self) -> str:
        return f"Int64({int(self)})"


def encode_value(value: object, where: str = "value") -> JsonValue:
    """Encode a Python value as Convex-encoded JSON (protocol §1.3).

    Accepts None, bool, int (within ±2**53), `Int64`, float, str, bytes, lists/tuples and
    str-keyed mappings. Raises TypeError for other types and ValueError for values Convex
    would refuse; `where` names the spot in the message ("args.ops[2].doc").
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Int64):
        return {_INTEGER: _b64(struct.pack("<q", value))}
    if isinstance(value, int):
        if abs(value) > _MAX_EXACT_FLOAT_INT:
            raise ValueError(
                f"{where}: {value} is beyond ±2**53 and would lose precision as a Convex "
                "float64; wrap it in Int64 to send an int64"
            )
        return value
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, str):
        _check_unicode(value, where)
        return value
    if isinstance(value, bytes | bytearray):
        return {_BYTES: _b64(bytes(value))}
    if isinstance(value, list | tuple):
        return [encode_value(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        return {
            _check_field_name(key, where): encode_value(item, f"{where}.{key}")
            for key, item in value.items()
        }
    raise TypeError(f"{where}: {type(value).__name__} is not a Convex value")


def decode_value(value: Any) -> Any:
    """Decode a Convex-encoded JSON value (as parsed by `json.loads`) into Python.

    JSON numbers become float (Convex Float64), `$integer` becomes `Int64`, `$bytes` becomes
    bytes and `$float` becomes the special float. Raises ValueError for a malformed value.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, payload),) = value.items()
            if key in (_INTEGER, _BYTES, _FLOAT):
                return _decode_special(key, payload)
        bad = next((key for key in value if key.startswith("$")), None)
        if bad is not None:
            raise ValueError(f"unexpected field {bad!r} in a Convex value")
        return {key: decode_value(item) for key, item in value.items()}
    raise ValueError(f"{type(value).__name__} is not Convex-encoded JSON")


def _encode_float(value: float) -> JsonValue:
    # JSON has no NaN or infinities, and a JSON "-0.0" would lose its sign in many parsers.
    if math.isfinite(value) and (value != 0.0 or math.copysign(1.0, value) > 0):
        return value
    return {_FLOAT: _b64(struct.pack("<d", value))}


def _decode_special(key: str, payload: object) -> Any:
    if not isinstance(payload, str):
        raise ValueError(f"{key} must hold a base64 string")
    try:
        raw = base64.b64decode(payload, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{key} holds invalid base64") from exc
    if key == _BYTES:
        return raw
    if len(raw) != 8:
        raise ValueError(f"{key} must hold 8 bytes, not {len(raw)}")
    if key == _INTEGER:
        return Int64(struct.unpack("<q", raw)[0])
    return struct.unpack("<d", raw)[0]


def _check_field_name(key: object, where: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"{where}: field names must be str, not {type(key).__name__}")
    if key.startswith("$"):
        raise ValueError(f"{where}: field name {key!r} starts with '$'")
    if len(key) > _MAX_FIELD_NAME_LENGTH:
        raise ValueError(f"{where}: field name is longer than {_MAX_FIELD_NAME_LENGTH}")
    if not all(" " <= char <= "~" for char in key):
        raise ValueError(f"{where}: field name {key!r} is not printable ASCII")
    return key


def _check_unicode(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{where}: string holds an unpaired surrogate") from exc


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
