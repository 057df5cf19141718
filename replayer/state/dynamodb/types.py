"""DynamoDB AttributeValues: validation, 38-digit numbers, sets, key ordering and item size."""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, Underflow
from typing import Any

from replayer.state.dynamodb.errors import DynamoError, invalid_params, validation

AV = dict[str, Any]  # one AttributeValue in wire form, e.g. {"N": "1.5"}
Item = dict[str, AV]
KeyPart = str | Decimal | bytes

# Numbers: 38 significant digits, magnitude 1E-130 .. 9.99..E+125, exact arithmetic.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
NUMBER_CONTEXT = Context(
    prec=38, Emax=125, Emin=-130, traps=[Inexact, Overflow, Underflow, InvalidOperation]
)
SCALARS = frozenset(("S", "N", "B"))
SET_NAMES = {"SS": "string", "NS": "number", "BS": "binary"}
ALL_TYPES = frozenset(("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"))
MAX_ITEM_SIZE = 400 * 1024
# Integers DynamoDB stores as written (the common case, kept off the Decimal path).
_PLAIN_INT = re.compile(r"-?[1-9][0-9]{0,37}|0")


def parse_number(text: Any) -> Decimal:
    """A DynamoDB number from its string form, with DynamoDB's validation messages."""
    if not isinstance(text, str):
        raise DynamoError("SerializationException", "NUMBER_VALUE cannot be converted to String")
    try:
        d = Decimal(text.strip())
    except InvalidOperation as e:
        raise validation("A value provided cannot be converted into a number") from e
    if not d.is_finite():
        raise validation("A value provided cannot be converted into a number")
    return check_number(d)


def check_number(d: Decimal) -> Decimal:
    if not d:
        return Decimal(0)
    # Trailing zeros are not significant; normalising with enough precision never rounds.
    d = d.normalize(Context(prec=max(38, len(d.as_tuple().digits))))
    if len(d.as_tuple().digits) > 38:
        raise validation("Attempting to store more than 38 significant digits in a Number")
    exp = d.adjusted()
    if exp > 125:
        raise validation(
            "Number overflow. Attempting to store a number with magnitude "
            "larger than supported range"
        )
    if exp < -130:
        raise validation(
            "Number underflow. Attempting to store a number with magnitude "
            "smaller than supported range"
        )
    return d


def format_number(d: Decimal) -> str:
    return "0" if not d else f"{d:f}"


def arith(a: Decimal, b: Decimal, subtract: bool = False) -> Decimal:
    """Exact DynamoDB addition; a result needing more than 38 digits is an error, not rounded."""
    try:
        r = NUMBER_CONTEXT.subtract(a, b) if subtract else NUMBER_CONTEXT.add(a, b)
    except Inexact as e:
        raise validation("Attempting to store more than 38 significant digits in a Number") from e
    except (Overflow, Underflow, InvalidOperation) as e:
        raise validation(
            "Number overflow. Attempting to store a number with magnitude "
            "larger than supported range"
        ) from e
    return check_number(r)


def decode_binary(text: Any) -> bytes:
    if not isinstance(text, str):
        raise DynamoError("SerializationException", "Unexpected value type in payload")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as e:
        raise DynamoError(
            "SerializationException",
            f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(text)}",
        ) from e


def check_value(av: Any) -> AV:
    """Validate one AttributeValue; return it with numbers normalised and sets de-duplicated."""
    if not isinstance(av, dict) or not av:
        raise validation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(av) > 1:
        raise validation(
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes"
        )
    ((t, v),) = av.items()
    if t == "S":
        if not isinstance(v, str):
            raise DynamoError(
                "SerializationException", "NUMBER_VALUE cannot be converted to String"
            )
        return av
    if t == "N":
        if isinstance(v, str) and _PLAIN_INT.fullmatch(v):
            return av  # already in canonical form: at most 38 digits, no sign of zero
        return {"N": format_number(parse_number(v))}
    if t == "B":
        decode_binary(v)
        return av
    if t == "BOOL":
        if not isinstance(v, bool):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        return av
    if t == "NULL":
        if v is not True:
            raise invalid_params("Null attribute value types must have the value of true")
        return av
    if t == "M":
        if not isinstance(v, dict):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        return {"M": {k: check_value(x) for k, x in v.items()}}
    if t == "L":
        if not isinstance(v, list):
            raise DynamoError("SerializationException", "Unexpected value type in payload")
        return {"L": [check_value(x) for x in v]}
    if t in SET_NAMES:
        return {t: _check_set(t, v)}
    raise DynamoError("SerializationException", f"Unknown AttributeValue type: {t}")


def _check_set(t: str, v: Any) -> list[str]:
    if not isinstance(v, list):
        raise DynamoError("SerializationException", "Unexpected value type in payload")
    if not v:
        # AWS writes two spaces here.
        raise invalid_params(f"An {SET_NAMES[t]} set  may not be empty")
    if t == "NS":
        values = [format_number(parse_number(x)) for x in v]
        keys: list[Any] = [Decimal(x) for x in values]
    else:
        values = list(v)
        keys = [decode_binary(x) for x in v] if t == "BS" else values
        if t == "SS" and not all(isinstance(x, str) for x in v):
            raise DynamoError(
                "SerializationException", "NUMBER_VALUE cannot be converted to String"
            )
    if len(set(keys)) != len(keys):
        raise invalid_params(f"Input collection [{', '.join(map(str, v))}] contains duplicates.")
    return values


def check_item(item: Any) -> Item:
    if not isinstance(item, dict):
        raise DynamoError("SerializationException", "Unexpected value type in payload")
    return {name: check_value(av) for name, av in item.items()}


def key_part(av: AV) -> KeyPart:
    """The ordered, hashable form of a key attribute: numbers by value, S and B by bytes."""
    ((t, v),) = av.items()
    if t == "S":
        return str(v)  # code point order == UTF-8 byte order
    if t == "N":
        return Decimal(v)
    return base64.b64decode(v)


def set_members(t: str, values: list[str]) -> set[Any]:
    if t == "NS":
        return {Decimal(x) for x in values}
    if t == "BS":
        return {base64.b64decode(x) for x in values}
    return set(values)


def av_equal(a: AV, b: AV) -> bool:
    ((ta, va),) = a.items()
    ((tb, vb),) = b.items()
    if ta != tb:
        return False
    if ta == "N":
        return bool(Decimal(va) == Decimal(vb))
    if ta in SET_NAMES:
        return set_members(ta, va) == set_members(tb, vb)
    if ta == "M":
        return va.keys() == vb.keys() and all(av_equal(va[k], vb[k]) for k in va)
    if ta == "L":
        return len(va) == len(vb) and all(av_equal(x, y) for x, y in zip(va, vb, strict=True))
    return bool(va == vb)


def av_size(av: AV) -> int:
    """Bytes an AttributeValue counts for, per the item-size rules.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
    """
    ((t, v),) = av.items()
    if t == "S":
        return len(v.encode())
    if t == "N":
        return _number_size(v)
    if t == "B":
        return len(v) * 3 // 4
    if t in ("BOOL", "NULL"):
        return 1
    if t == "SS":
        return sum(len(x.encode()) for x in v)
    if t == "NS":
        return sum(_number_size(x) for x in v)
    if t == "BS":
        return sum(len(x) * 3 // 4 for x in v)
    if t == "M":
        return 3 + sum(len(k.encode()) + av_size(x) + 1 for k, x in v.items())
    return 3 + sum(av_size(x) + 1 for x in v)


def _number_size(text: str) -> int:
    digits = sum(c.isdigit() for c in text.lstrip("-0.").split("E")[0])
    return (digits + 1) // 2 + 1


def item_size(item: Item) -> int:
    return sum(len(k.encode()) + av_size(v) for k, v in item.items())


def type_of(av: AV) -> str:
    return next(iter(av))
