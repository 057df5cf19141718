"""Query and Scan: key conditions on sorted partitions, index views, segments and paging."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from typing import Any

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.common import expressions
from replayer.state.dynamodb.errors import invalid_params, validation
from replayer.state.dynamodb.expressions import Context
from replayer.state.dynamodb.expressions.ast import And, Between, Compare, Cond, Func, Path, Value
from replayer.state.dynamodb.legacy import translate
from replayer.state.dynamodb.reads import Target, page, target
from replayer.state.dynamodb.store import Store, respond
from replayer.state.dynamodb.table import Key, _entry_key
from replayer.state.dynamodb.types import AV, KeyPart, key_part

QUERY_KINDS = ("KeyConditionExpression", "FilterExpression", "ProjectionExpression")
SCAN_KINDS = ("FilterExpression", "ProjectionExpression")
SortCond = tuple[str, list[KeyPart]]  # ("=", [v]), ("BETWEEN", [lo, hi]), ("begins_with", [p])
FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "="}


def _conjuncts(c: Cond) -> list[Cond]:
    if isinstance(c, And):
        return _conjuncts(c.left) + _conjuncts(c.right)
    return [c]


def _term(c: Cond, ctx: Context) -> tuple[str, str, list[AV]]:
    """(attribute, operator, values) of one key condition term."""
    kind = "KeyConditionExpression"
    if isinstance(c, Compare):
        left, right, op = c.left, c.right, c.op
        if isinstance(left, Value) and isinstance(right, Path):
            left, right, op = right, left, FLIP.get(op, op)
        if op == "<>":
            raise validation(f"Invalid operator used in {kind}: <>")
        if isinstance(left, Path) and isinstance(right, Value):
            return str(ctx.path(left)[0]), op, [ctx.values[right.name]]
    elif isinstance(c, Between) and isinstance(c.operand, Path):
        lo, hi = c.low, c.high
        if isinstance(lo, Value) and isinstance(hi, Value):
            return (
                str(ctx.path(c.operand)[0]),
                "BETWEEN",
                [ctx.values[lo.name], ctx.values[hi.name]],
            )
    elif isinstance(c, Func) and c.name == "begins_with":
        p, v = c.args
        if isinstance(p, Path) and isinstance(v, Value):
            return str(ctx.path(p)[0]), "begins_with", [ctx.values[v.name]]
    else:
        name = type(c).__name__.upper().rstrip("_")
        raise validation(f"Invalid operator used in {kind}: {name}")
    raise validation("Query key condition not supported")


def key_condition(c: Cond, ctx: Context, tg: Target) -> tuple[KeyPart, SortCond | None]:
    terms = [_term(x, ctx) for x in _conjuncts(c)]
    if len(terms) > 2:
        raise validation("Conditions can be of length 1 or 2 only")
    types = tg.table.types
    hash_terms = [x for x in terms if x[0] == tg.hash_key]
    if not hash_terms:
        raise validation(f"Query condition missed key schema element: {tg.hash_key}")
    others = [x for x in terms if x[0] != tg.hash_key]
    for attr, op, vals in terms:
        if attr not in (tg.hash_key, tg.range_key):
            raise validation(f"Query condition missed key schema element: {tg.range_key or attr}")
        if any(types[attr] not in v for v in vals):
            raise invalid_params("Condition parameter type does not match schema type")
        if attr == tg.hash_key and op != "=":
            raise validation("Query key condition not supported")
    pk = key_part(hash_terms[0][2][0])
    if not others:
        return pk, None
    _, op, vals = others[0]
    parts = [key_part(v) for v in vals]
    if op == "BETWEEN" and parts[0] > parts[1]:  # type: ignore[operator]
        raise validation(
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
            "greater than or equal to lower bound; lower bound operand: AttributeValue: "
            f"{_show(vals[0])}, upper bound operand: AttributeValue: {_show(vals[1])}"
        )
    return pk, (op, parts)


def _show(av: AV) -> str:
    ((t, v),) = av.items()
    return f"{{{t}:{v}}}"


def bounds(
    entries: list[Any], cond: SortCond | None, sort: Callable[[Any], Any]
) -> tuple[int, int]:
    if cond is None:
        return 0, len(entries)
    op, vals = cond
    v = vals[0]
    left = bisect.bisect_left(entries, v, key=sort)
    right = bisect.bisect_right(entries, v, key=sort)
    if op == "=":
        return left, right
    if op == "<":
        return 0, left
    if op == "<=":
        return 0, right
    if op == ">":
        return right, len(entries)
    if op == ">=":
        return left, len(entries)
    if op == "BETWEEN":
        return left, bisect.bisect_right(entries, vals[1], key=sort)
    end = left
    width = len(v) if isinstance(v, str | bytes) else 0
    while end < len(entries) and sort(entries[end])[:width] == v:  # begins_with
        end += 1
    return left, end


def query_keys(
    body: dict[str, Any], tg: Target, pk: KeyPart, cond: SortCond | None
) -> Iterator[Key]:
    t = tg.table
    forward = body.get("ScanIndexForward", True)
    if tg.index is None:
        entries: list[Any] = t.parts.get(pk, [])
        sort: Callable[[Any], Any] = _same
        full: Callable[[Any], Any] = _same
        to_key: Callable[[Any], Key] = lambda sk: (pk, sk)  # noqa: E731
    else:
        entries = t.view(tg.index)[0].get(pk, [])
        sort, full = _first, _entry_key
        to_key = _table_key
    lo, hi = bounds(entries, cond, sort)
    if esk := body.get("ExclusiveStartKey"):
        start = tg.start_key(esk)
        if tg.index is None:
            pos: Any = start[1]
            if not t.range_key:
                return iter(())  # one item per partition: nothing follows it
        else:
            ir = tg.index.range
            pos = _entry_key((key_part(esk[ir]) if ir else None, *start))
        if forward:
            lo = max(lo, bisect.bisect_right(entries, pos, key=full))
        else:
            hi = min(hi, bisect.bisect_left(entries, pos, key=full))
    seq = range(lo, hi) if forward else range(hi - 1, lo - 1, -1)
    return (to_key(entries[i]) for i in seq)


def _same(x: Any) -> Any:
    return x


def _first(e: Any) -> Any:
    return e[0]


def _table_key(e: Any) -> Key:
    return (e[1], e[2])


class QueryOps(Store):
    """Query and Scan handlers."""

    @handles("Query")
    async def query(self, req: ServeRequest) -> ServeResponse:
        body = translate(await self.body(req), "Query")
        t = self.table(body.get("TableName"))
        tg = target(body, t)
        if "KeyConditionExpression" not in body:
            raise validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                "in the request."
            )
        parsed, ctx = expressions(body, QUERY_KINDS, "Query")
        pk, cond = key_condition(parsed["KeyConditionExpression"].cond(), ctx, tg)
        return respond(page(body, tg, query_keys(body, tg, pk, cond), parsed, ctx))

    @handles("Scan")
    async def scan(self, req: ServeRequest) -> ServeResponse:
        body = translate(await self.body(req), "Scan")
        t = self.table(body.get("TableName"))
        tg = target(body, t)
        parsed, ctx = expressions(body, SCAN_KINDS, "Scan")
        return respond(page(body, tg, scan_keys(body, tg), parsed, ctx))


def segment_bounds(body: dict[str, Any]) -> tuple[int, int] | None:
    seg, total = body.get("Segment"), body.get("TotalSegments")
    if seg is None and total is None:
        return None
    if total is None:
        raise validation(
            "The TotalSegments parameter is required but was not present in the request when "
            "Segment parameter is present"
        )
    if seg is None:
        raise validation(
            "The Segment parameter is required but was not present in the request when "
            "parameter TotalSegments is present"
        )
    if seg >= total:
        raise validation(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {seg} is not less than TotalSegments: {total}"
        )
    # Segments split the partition-hash space evenly, so each is a contiguous run.
    return -(-seg * 2**32 // total), -(-(seg + 1) * 2**32 // total)


def scan_keys(body: dict[str, Any], tg: Target) -> Iterator[Key]:
    t = tg.table
    if tg.index is None:
        order: list[Any] = t.scan_order()
        full: Callable[[Any], Any] = (
            (lambda e: (e[0], e[1][1])) if t.range_key else (lambda e: (e[0],))
        )
        to_key: Callable[[Any], Key] = lambda e: e[1]  # noqa: E731
    else:
        order = t.view(tg.index)[1]
        full = lambda e: (e[0], *_entry_key(e[2:]))  # noqa: E731
        to_key = lambda e: (e[3], e[4])  # noqa: E731
    lo, hi = 0, len(order)
    if seg := segment_bounds(body):
        h32: Callable[[Any], int] = lambda e: int.from_bytes(e[0][:4])  # noqa: E731
        lo = bisect.bisect_left(order, seg[0], key=h32)
        hi = bisect.bisect_left(order, seg[1], key=h32)
    if esk := body.get("ExclusiveStartKey"):
        start = tg.start_key(esk)
        h = t.phash(start[0])
        if tg.index is None:
            pos: Any = (h, start[1]) if t.range_key else (h,)
        else:
            ih, ir = tg.index.hash, tg.index.range
            h = t.phash(key_part(esk[ih]))
            pos = (h, *_entry_key((key_part(esk[ir]) if ir else None, *start)))
        lo = max(lo, bisect.bisect_right(order, pos, key=full))
    return (to_key(order[i]) for i in range(lo, hi))
