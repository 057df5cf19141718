"""Bind a parsed statement to its Parameters, and find the key its WHERE clause names."""

from __future__ import annotations

from typing import Any

from replayer.state.dynamodb.errors import DynamoError, validation
from replayer.state.dynamodb.expressions import Context
from replayer.state.dynamodb.expressions.ast import And, Between, Compare, Cond, Func, Path, Value
from replayer.state.dynamodb.partiql.ast import Composite, Param, Parsed, Template
from replayer.state.dynamodb.table import Key, Table
from replayer.state.dynamodb.types import AV, Item, check_value, key_part

# Wording from DynamoDB's PartiQL front end (also in DynamoDB local's messages).
PARAMETER_COUNT = "Number of parameters in request and statement don't match."
INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
KEY_TYPE = "Key attribute's data type should match its data type in table's schema: Key {}"
FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="}


def bind(parsed: Parsed, parameters: Any) -> Context:
    """Every value of the statement, parameters substituted, as an expression Context."""
    params = parameters if isinstance(parameters, list) else []
    # Too few values fail; extra ones are ignored, as DynamoDB does.
    if len(params) < parsed.parameters:
        raise validation(PARAMETER_COUNT)
    checked = [check_value(p) for p in params[: parsed.parameters]]
    values = {name: resolve(t, checked) for name, t in parsed.values}
    return Context({}, values)


def resolve(t: Template, params: list[AV]) -> AV:
    if isinstance(t, Param):
        return params[t.index]
    if isinstance(t, Composite):
        if t.kind == "M":
            return {"M": {k: resolve(v, params) for k, v in t.items}}
        members = [resolve(v, params) for _, v in t.items]
        if t.kind == "L":
            return {"L": members}
        return _bag(members)
    return t


def _bag(members: list[AV]) -> AV:
    """A bag <<...>> is a string, number or binary set."""
    if not members:
        raise validation("Empty bags are not supported")
    kinds = {next(iter(m)) for m in members}
    if len(kinds) != 1 or not kinds <= {"S", "N", "B"}:
        raise validation(
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
        )
    kind = kinds.pop()
    try:
        return check_value({kind + "S": [m[kind] for m in members]})
    except DynamoError as e:
        raise validation(e.message) from e


def conjuncts(c: Cond | None) -> list[Cond]:
    if c is None:
        return []
    if isinstance(c, And):
        return conjuncts(c.left) + conjuncts(c.right)
    return [c]


def _attr(p: object) -> str | None:
    if isinstance(p, Path) and len(p.elements) == 1 and isinstance(p.elements[0], str):
        return p.elements[0]
    return None


def equalities(where: Cond | None, ctx: Context) -> dict[str, list[AV]]:
    """Each attribute and the values it is compared equal to in the top-level AND of a WHERE."""
    out: dict[str, list[AV]] = {}
    for c in conjuncts(where):
        if isinstance(c, Compare) and c.op == "=":
            left, right = c.left, c.right
            if isinstance(left, Value):
                left, right = right, left
            name = _attr(left)
            if name is not None and isinstance(right, Value):
                out.setdefault(name, []).append(ctx.values[right.name])
    return out


def item_key(t: Table, where: Cond | None, ctx: Context) -> tuple[Key, Item]:
    """The one item UPDATE, DELETE and transactional reads address; the whole key is required."""
    eq = equalities(where, ctx)
    names = [t.hash_key, *([t.range_key] if t.range_key else [])]
    key: Item = {}
    for name in names:
        found = eq.get(name, [])
        if not found:
            raise validation(INCOMPLETE_KEY)
        if len(found) > 1:
            raise validation(
                f"Multiple conditions on same key {name}. "
                "Only single item Update/Insert/Delete are supported"
            )
        key[name] = found[0]
    check_key_types(t, key)
    return t.key_of(key), key


def check_key_types(t: Table, item: Item) -> None:
    for name in (t.hash_key, t.range_key):
        if name is None:
            continue
        if name not in item:
            raise validation(f"Key attribute should be present in the item: Key {name}")
        if t.types[name] not in item[name]:
            raise validation(KEY_TYPE.format(name))


def sort_condition(
    where: Cond | None, ctx: Context, name: str, kind: str
) -> tuple[str, list[Any]] | None:
    """The first condition on the sort key that narrows a Query, as (operator, key parts)."""
    for c in conjuncts(where):
        if isinstance(c, Compare) and c.op != "<>":
            left, right, op = c.left, c.right, c.op
            if isinstance(left, Value):
                left, right, op = right, left, FLIP[op]
            if _attr(left) == name and isinstance(right, Value):
                av = ctx.values[right.name]
                if kind in av:
                    return op, [key_part(av)]
        elif isinstance(c, Between) and _attr(c.operand) == name:
            lo, hi = c.low, c.high
            if isinstance(lo, Value) and isinstance(hi, Value):
                pair = [ctx.values[lo.name], ctx.values[hi.name]]
                if all(kind in v for v in pair):
                    parts: list[Any] = [key_part(v) for v in pair]
                    # An empty range narrows nothing; the WHERE filter then matches nothing.
                    return ("BETWEEN", parts) if parts[0] <= parts[1] else None
        elif isinstance(c, Func) and c.name == "begins_with" and _attr(c.args[0]) == name:
            v = c.args[1]
            if isinstance(v, Value) and kind in ctx.values[v.name] and kind != "N":
                return "begins_with", [key_part(ctx.values[v.name])]
    return None
