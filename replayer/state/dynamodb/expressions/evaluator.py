"""Evaluate conditions and projections against an item, with names and values bound."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from replayer.state.dynamodb.errors import DynamoError, validation
from replayer.state.dynamodb.expressions.ast import (
    And,
    Between,
    Compare,
    Cond,
    Func,
    In,
    Not,
    Operand,
    Or,
    Parsed,
    Path,
    Value,
)
from replayer.state.dynamodb.types import AV, SET_NAMES, Item, av_equal, check_value

Resolved = tuple[str | int, ...]
ORDERED = frozenset(("N", "S", "B"))
TYPE_NAMES = frozenset(("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"))


class Context:
    """ExpressionAttributeNames/Values of one request, checked against the expressions."""

    __slots__ = ("names", "values")

    def __init__(self, names: dict[str, str], values: dict[str, AV]) -> None:
        self.names = names
        self.values = values

    def path(self, p: Path) -> Resolved:
        names = self.names
        return tuple(names[e] if isinstance(e, str) and e[0] == "#" else e for e in p.elements)


def check_placeholders(body: dict[str, Any]) -> tuple[dict[str, str], dict[str, AV]]:
    """Validate ExpressionAttributeNames/Values themselves (keys, emptiness, values)."""
    names = body.get("ExpressionAttributeNames")
    values = body.get("ExpressionAttributeValues")
    if names is not None:
        if not names:
            raise validation("ExpressionAttributeNames must not be empty")
        for k in names:
            if not k.startswith("#"):
                raise validation(
                    f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{k}"'
                )
    out: dict[str, AV] = {}
    if values is not None:
        if not values:
            raise validation("ExpressionAttributeValues must not be empty")
        for k, v in values.items():
            if not k.startswith(":"):
                raise validation(
                    f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{k}"'
                )
            try:
                out[k] = check_value(v)
            except DynamoError as e:
                raise validation(
                    f"ExpressionAttributeValues contains invalid value: {e.message} for key {k}"
                ) from e
    return names or {}, out


def bind(exprs: list[Parsed], names: dict[str, str], values: dict[str, AV]) -> Context:
    """Check every placeholder is defined and every defined one used, as DynamoDB does."""
    used_names: set[str] = set()
    used_values: set[str] = set()
    for p in exprs:
        for n in sorted(p.names):
            if n not in names:
                raise validation(
                    f"Invalid {p.kind}: An expression attribute name used in the document path "
                    f"is not defined; attribute name: {n}"
                )
        for v in sorted(p.values):
            if v not in values:
                raise validation(
                    f"Invalid {p.kind}: An expression attribute value used in expression "
                    f"is not defined; attribute value: {v}"
                )
        used_names |= p.names
        used_values |= p.values
    if unused := names.keys() - used_names:
        raise validation(
            "Value provided in ExpressionAttributeNames unused in expressions: "
            f"keys: {{{', '.join(sorted(unused))}}}"
        )
    if unused := values.keys() - used_values:
        raise validation(
            "Value provided in ExpressionAttributeValues unused in expressions: "
            f"keys: {{{', '.join(sorted(unused))}}}"
        )
    ctx = Context(names, values)
    for p in exprs:
        if p.kind != "ProjectionExpression" and p.kind != "UpdateExpression":
            _check_types(p.kind, p.node, ctx)  # type: ignore[arg-type]
    return ctx


def operand_type_error(kind: str, op: str, t: str) -> DynamoError:
    return validation(
        f"Invalid {kind}: Incorrect operand type for operator or function; "
        f"operator or function: {op}, operand type: {t}"
    )


def _check_types(kind: str, c: Cond, ctx: Context) -> None:
    """Operand types DynamoDB rejects up front when they come from ExpressionAttributeValues."""
    if isinstance(c, And | Or):
        _check_types(kind, c.left, ctx)
        _check_types(kind, c.right, ctx)
    elif isinstance(c, Not):
        _check_types(kind, c.cond, ctx)
    elif isinstance(c, Compare) and c.op not in ("=", "<>"):
        for o in (c.left, c.right):
            _require(kind, c.op, o, ctx, ORDERED)
    elif isinstance(c, Between):
        for o in (c.operand, c.low, c.high):
            _require(kind, "BETWEEN", o, ctx, ORDERED)
    elif isinstance(c, Func) and c.name == "begins_with":
        for o in c.args:
            _require(kind, "begins_with", o, ctx, frozenset(("S", "B")))
    elif isinstance(c, Func) and c.name == "attribute_type":
        arg = c.args[1]
        _require(kind, "attribute_type", arg, ctx, frozenset(("S",)))
        if isinstance(arg, Value) and ctx.values[arg.name]["S"] not in TYPE_NAMES:
            raise validation(
                f"Invalid {kind}: Invalid attribute type name found; type: "
                f"{ctx.values[arg.name]['S']}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}"
            )


def _require(kind: str, op: str, o: Operand, ctx: Context, allowed: frozenset[str]) -> None:
    if isinstance(o, Value):
        t = next(iter(ctx.values[o.name]))
        if t not in allowed:
            raise operand_type_error(kind, op, t)


def get_path(item: Item, path: Resolved) -> AV | None:
    first = path[0]
    if not isinstance(first, str):
        return None
    cur = item.get(first)
    for e in path[1:]:
        if cur is None:
            return None
        if isinstance(e, int):
            lst = cur.get("L")
            cur = lst[e] if lst is not None and e < len(lst) else None
        else:
            m = cur.get("M")
            cur = m.get(e) if m is not None else None
    return cur


def operand(o: Operand, item: Item, ctx: Context) -> AV | None:
    if isinstance(o, Value):
        return ctx.values[o.name]
    if isinstance(o, Path):
        return get_path(item, ctx.path(o))
    v = operand(o.args[0], item, ctx)  # size(), the only function that is an operand here
    return size_of(v)


def size_of(v: AV | None) -> AV | None:
    if v is None:
        return None
    ((t, x),) = v.items()
    if t == "S":
        return {"N": str(len(x.encode()))}
    if t == "B":
        return {"N": str(len(base64.b64decode(x)))}
    if t in SET_NAMES or t in ("L", "M"):
        return {"N": str(len(x))}
    return None


def _key(v: AV) -> Any:
    ((t, x),) = v.items()
    if t == "N":
        return Decimal(x)
    if t == "B":
        return base64.b64decode(x)
    return x


def _ordered(a: AV | None, b: AV | None) -> tuple[Any, Any] | None:
    if a is None or b is None:
        return None
    ta = next(iter(a))
    if ta not in ORDERED or ta != next(iter(b)):
        return None
    return _key(a), _key(b)


def evaluate(c: Cond, item: Item, ctx: Context) -> bool:
    """The truth of condition `c` for `item` (an empty dict when there is no item)."""
    if isinstance(c, Compare):
        a, b = operand(c.left, item, ctx), operand(c.right, item, ctx)
        if c.op == "=":
            return a is not None and b is not None and av_equal(a, b)
        if c.op == "<>":
            return a is None or b is None or not av_equal(a, b)
        pair = _ordered(a, b)
        if pair is None:
            return False
        x, y = pair
        return bool({"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[c.op])
    if isinstance(c, And):
        return evaluate(c.left, item, ctx) and evaluate(c.right, item, ctx)
    if isinstance(c, Or):
        return evaluate(c.left, item, ctx) or evaluate(c.right, item, ctx)
    if isinstance(c, Not):
        return not evaluate(c.cond, item, ctx)
    if isinstance(c, Between):
        v = operand(c.operand, item, ctx)
        lo = _ordered(v, operand(c.low, item, ctx))
        hi = _ordered(v, operand(c.high, item, ctx))
        return lo is not None and hi is not None and lo[1] <= lo[0] <= hi[1]
    if isinstance(c, In):
        v = operand(c.operand, item, ctx)
        return v is not None and any(
            (o := operand(x, item, ctx)) is not None and av_equal(v, o) for x in c.options
        )
    return _function(c, item, ctx)


def _function(f: Func, item: Item, ctx: Context) -> bool:
    args = [operand(a, item, ctx) for a in f.args]
    a = args[0]
    if f.name == "attribute_exists":
        return a is not None
    if f.name == "attribute_not_exists":
        return a is None
    b = args[1]
    if a is None or b is None:
        return False
    ta, tb = next(iter(a)), next(iter(b))
    if f.name == "attribute_type":
        return bool(ta == b.get("S"))
    if f.name == "begins_with":
        return ta == tb and ta in ("S", "B") and bool(_key(a).startswith(_key(b)))
    # contains(): substring of a string, member of a set, element of a list.
    if ta == "S" and tb == "S":
        return bool(b["S"] in a["S"])
    if ta == "B" and tb == "B":
        return bool(_key(b) in _key(a))
    if ta in SET_NAMES and tb == ta[0]:
        return any(av_equal({tb: x}, b) for x in a[ta])
    if ta == "L":
        return any(av_equal(x, b) for x in a["L"])
    return False
