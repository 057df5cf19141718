"""Run one PartiQL statement against a table with the engine Query, Scan and UpdateItem use."""

from __future__ import annotations

from replayer.state.dynamodb.common import check_size, write_units
from replayer.state.dynamodb.errors import DynamoError, conditional_failed, validation
from replayer.state.dynamodb.expressions import (
    Context,
    apply_update,
    check_update,
    evaluate,
    project,
)
from replayer.state.dynamodb.expressions.ast import Parsed as Expression
from replayer.state.dynamodb.expressions.paths import Resolved
from replayer.state.dynamodb.partiql.ast import Delete, Exists, Insert, Parsed, Select, Update
from replayer.state.dynamodb.partiql.bind import (
    INCOMPLETE_KEY,
    check_key_types,
    equalities,
    item_key,
    sort_condition,
)
from replayer.state.dynamodb.partiql.parser import parse
from replayer.state.dynamodb.query import query_keys, scan_keys
from replayer.state.dynamodb.reads import page, target
from replayer.state.dynamodb.store import Doc
from replayer.state.dynamodb.table import Key, Table
from replayer.state.dynamodb.types import MAX_ITEM_SIZE, Item, check_item, item_size, key_part

DUPLICATE = "Duplicate primary key exists in table"
NOT_IN_TRANSACTION = "EXISTS can only be used in ExecuteTransaction write requests."
NONE: frozenset[str] = frozenset()


def select(t: Table, s: Select, ctx: Context, req: Doc) -> Doc:
    """One page of a SELECT: a Query when the WHERE pins the partition key, else a Scan.

    `req` carries Limit, ConsistentRead, ReturnConsumedCapacity and ExclusiveStartKey.
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.select.html
    """
    if s.index is not None:
        req["IndexName"] = s.index
    tg = target(req, t)
    parsed: dict[str, Expression] = {}
    if s.where is not None:
        parsed["FilterExpression"] = Expression("FilterExpression", s.where, NONE, NONE)
    if s.paths is not None:
        parsed["ProjectionExpression"] = Expression("ProjectionExpression", s.paths, NONE, NONE)
    kind = t.types[tg.hash_key]
    pinned = [v for v in equalities(s.where, ctx).get(tg.hash_key, []) if kind in v]
    if pinned:
        rk = tg.range_key
        cond = sort_condition(s.where, ctx, rk, t.types[rk]) if rk else None
        keys = query_keys(req, tg, key_part(pinned[0]), cond)
    else:
        keys = scan_keys(req, tg)
    return page(req, tg, keys, parsed, ctx)


def get(t: Table, s: Select, ctx: Context) -> Item | None:
    """A SELECT that must address one item by its whole key (batches and transactions)."""
    key, _ = item_key(t, s.where, ctx)
    item = t.items.get(key)
    if item is None or (s.where is not None and not evaluate(s.where, item, ctx)):
        return None
    return project(item, [ctx.path(p) for p in s.paths]) if s.paths else item


def insert(t: Table, s: Insert, ctx: Context) -> Item:
    """INSERT never overwrites: an existing key is DuplicateItemException.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.insert.html
    """
    if s.returning is not None:
        raise validation("RETURNING is not supported in INSERT")
    item = check_item(ctx.values[s.item.name]["M"])
    check_key_types(t, item)
    key = t.key_of_item(item)
    if key in t.items:
        raise DynamoError("DuplicateItemException", DUPLICATE)
    t.check_index_keys(item)
    t.put(key, item, check_size(item))
    return item


def _addressed(t: Table, where: object, ctx: Context) -> Key:
    return item_key(t, where, ctx)[0]  # type: ignore[arg-type]


def update(
    t: Table, s: Update, ctx: Context, on_failure: str | None
) -> tuple[Item, Item, list[Resolved]]:
    """UPDATE of a missing item, or one the WHERE rejects, is ConditionalCheckFailedException.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.update.html
    """
    key = _addressed(t, s.where, ctx)
    old = t.items.get(key)
    if old is None:
        raise conditional_failed()
    if s.where is not None and not evaluate(s.where, old, ctx):
        raise conditional_failed(old if on_failure == "ALL_OLD" else None)
    keys = (t.hash_key, t.range_key) if t.range_key else (t.hash_key,)
    paths = check_update(s.actions, ctx, keys)
    new = apply_update(old, s.actions, paths, ctx)
    if item_size(new) > MAX_ITEM_SIZE:
        raise validation("Item size to update has exceeded the maximum allowed size")
    t.check_index_keys(new)
    t.put(key, new)
    return old, new, paths


def delete(t: Table, s: Delete, ctx: Context, on_failure: str | None) -> Item | None:
    """DELETE of a missing item succeeds; of an item the WHERE rejects, it fails.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.delete.html
    """
    if s.returning not in (None, "ALL OLD"):
        raise validation(
            f"Invalid returning clause: RETURNING {s.returning} *. "
            "Only RETURNING ALL OLD * is allowed in DELETE statements."
        )
    key = _addressed(t, s.where, ctx)
    old = t.items.get(key)
    if old is None:
        return None
    if s.where is not None and not evaluate(s.where, old, ctx):
        raise conditional_failed(old if on_failure == "ALL_OLD" else None)
    t.delete(key)
    return old


def exists(t: Table, s: Exists, ctx: Context) -> bool:
    """EXISTS(SELECT ... WHERE <whole key> AND <condition>) in ExecuteTransaction."""
    try:
        return get(t, s.select, ctx) is not None
    except DynamoError as e:
        if e.message == INCOMPLETE_KEY:
            raise validation(
                "EXISTS() must contain a single item read with additional condition"
            ) from e
        raise


def returned(
    s: Update | Delete, old: Item | None, new: Item | None, paths: list[Resolved]
) -> list[Item]:
    """The Items a RETURNING clause asks for; a write without one answers no items."""
    chosen = {
        "ALL OLD": old,
        "ALL NEW": new,
        "MODIFIED OLD": project(old, paths) if old else None,
        "MODIFIED NEW": project(new, paths) if new else None,
    }.get(s.returning or "")
    return [chosen] if chosen else []


def statement_of(spec: Doc) -> Parsed:
    text = spec.get("Statement")
    if not isinstance(text, str) or not 1 <= len(text) <= 8192:
        raise validation(
            "1 validation error detected: Value null at 'statement' failed to satisfy "
            "constraint: Member must not be null"
            if text is None
            else "1 validation error detected: Value at 'statement' failed to satisfy "
            "constraint: Member must have length less than or equal to 8192"
        )
    return parse(text)


def write(t: Table, p: Parsed, ctx: Context, on_failure: str | None) -> tuple[list[Item], float]:
    """Apply one INSERT, UPDATE or DELETE; (RETURNING items, write units)."""
    s = p.statement
    if isinstance(s, Insert):
        new = insert(t, s, ctx)
        return [], write_units(item_size(new))
    if isinstance(s, Update):
        old, new, paths = update(t, s, ctx, on_failure)
        return returned(s, old, new, paths), write_units(item_size(old), item_size(new))
    if isinstance(s, Delete):
        gone = delete(t, s, ctx, on_failure)
        return returned(s, gone, None, []), write_units(item_size(gone) if gone else 0)
    raise validation(NOT_IN_TRANSACTION)
