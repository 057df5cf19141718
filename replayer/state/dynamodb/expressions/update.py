"""Apply an UpdateExpression: SET (+, -, list_append, if_not_exists), REMOVE, ADD, DELETE."""

from __future__ import annotations

from decimal import Decimal

from replayer.state.dynamodb.errors import invalid_params, validation
from replayer.state.dynamodb.expressions.ast import (
    Action,
    AddAction,
    Arith,
    DeleteAction,
    Func,
    Operand,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from replayer.state.dynamodb.expressions.evaluator import Context, get_path, operand_type_error
from replayer.state.dynamodb.expressions.paths import (
    Resolved,
    check_overlap,
    clone,
    remove_path,
    set_path,
)
from replayer.state.dynamodb.types import (
    AV,
    SET_NAMES,
    Item,
    arith,
    format_number,
    set_members,
)

KIND = "UpdateExpression"
BAD_TYPE = "An operand in the update expression has an incorrect data type"
MISSING = "The provided expression refers to an attribute that does not exist in the item"


def check_update(
    actions: tuple[Action, ...], ctx: Context, keys: tuple[str, ...]
) -> list[Resolved]:
    """Request-level checks: key attributes, overlapping paths, static operand types."""
    paths = [ctx.path(a.path) for a in actions]
    for p in paths:
        if p[0] in keys:
            raise invalid_params(
                f"Cannot update attribute {p[0]}. This attribute is part of the key"
            )
    check_overlap(KIND, paths)
    for a in actions:
        if isinstance(a, SetAction):
            _static_types(a.value, ctx)
        elif isinstance(a, AddAction):
            t = next(iter(ctx.values[a.value.name]))
            if t != "N" and t not in SET_NAMES:
                raise operand_type_error(KIND, "ADD", t)
        elif isinstance(a, DeleteAction):
            t = next(iter(ctx.values[a.value.name]))
            if t not in SET_NAMES:
                raise operand_type_error(KIND, "DELETE", t)
    return paths


def _static_types(v: Operand | Arith, ctx: Context) -> None:
    if isinstance(v, Arith):
        for o in (v.left, v.right):
            if isinstance(o, Value) and (t := next(iter(ctx.values[o.name]))) != "N":
                raise operand_type_error(KIND, v.op, t)
    elif isinstance(v, Func) and v.name == "list_append":
        for o in v.args:
            if isinstance(o, Value) and (t := next(iter(ctx.values[o.name]))) != "L":
                raise operand_type_error(KIND, "list_append", t)


def apply_update(
    old: Item, actions: tuple[Action, ...], paths: list[Resolved], ctx: Context
) -> Item:
    """The new item; every operand is read from the item as it was before the update."""
    new = clone(old)
    values = [_set_value(a.value, old, ctx) if isinstance(a, SetAction) else None for a in actions]
    removals: list[Resolved] = []
    for a, p, v in zip(actions, paths, values, strict=True):
        if isinstance(a, SetAction):
            assert v is not None
            set_path(new, p, v)
        elif isinstance(a, RemoveAction):
            removals.append(p)
        elif isinstance(a, AddAction):
            _add(new, p, ctx.values[a.value.name])
        else:
            _delete(new, p, ctx.values[a.value.name])
    # Later list indexes first, so each index still names the element the user meant.
    for p in sorted(removals, key=lambda p: [(isinstance(e, int), e) for e in p], reverse=True):
        remove_path(new, p)
    return new


def _set_value(v: Operand | Arith, item: Item, ctx: Context) -> AV:
    if isinstance(v, Arith):
        a, b = _set_value(v.left, item, ctx), _set_value(v.right, item, ctx)
        if "N" not in a or "N" not in b:
            raise validation(BAD_TYPE)
        r = arith(Decimal(a["N"]), Decimal(b["N"]), subtract=v.op == "-")
        return {"N": format_number(r)}
    if isinstance(v, Value):
        return ctx.values[v.name]
    if isinstance(v, Path):
        got = get_path(item, ctx.path(v))
        if got is None:
            raise validation(MISSING)
        return got
    if v.name == "if_not_exists":
        first = v.args[0]
        assert isinstance(first, Path)
        got = get_path(item, ctx.path(first))
        return got if got is not None else _set_value(v.args[1], item, ctx)
    a, b = _set_value(v.args[0], item, ctx), _set_value(v.args[1], item, ctx)
    if "L" not in a or "L" not in b:
        raise validation(BAD_TYPE)
    return {"L": a["L"] + b["L"]}


def _add(item: Item, path: Resolved, value: AV) -> None:
    cur = get_path(item, path)
    t = next(iter(value))
    if cur is None:
        set_path(item, path, value)
        return
    if next(iter(cur)) != t:
        raise validation(BAD_TYPE)
    if t == "N":
        set_path(item, path, {"N": format_number(arith(Decimal(cur["N"]), Decimal(value["N"])))})
        return
    have = set_members(t, cur[t])
    merged = list(cur[t])
    for x in value[t]:
        if set_members(t, [x]).isdisjoint(have):
            merged.append(x)
    set_path(item, path, {t: merged})


def _delete(item: Item, path: Resolved, value: AV) -> None:
    cur = get_path(item, path)
    if cur is None:
        return
    t = next(iter(value))
    if next(iter(cur)) != t:
        raise validation(BAD_TYPE)
    drop = set_members(t, value[t])
    kept = [x for x in cur[t] if set_members(t, [x]).isdisjoint(drop)]
    if kept:
        set_path(item, path, {t: kept})
    else:
        remove_path(item, path)  # sets are never empty
