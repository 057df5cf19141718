"""DynamoDB Query/Scan scenarios: pagination over the table, a GSI and an LSI; key conditions."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.dynamodb.common import API, n, put, s, seeded_item, table
from scenarios.registry import scenario

QUERY = f"{API}/API_Query.html"
SCAN = f"{API}/API_Scan.html"
# (KeyConditionExpression, values) over sort keys 0..N-1 of partition "p".
KEY_CONDITIONS: list[tuple[str, dict[str, Any]]] = [
    ("pk = :p AND sk BETWEEN :a AND :b", {":a": n(2), ":b": n(7)}),
    ("pk = :p AND sk < :a", {":a": n(5)}),
    ("pk = :p AND sk >= :a", {":a": n(3)}),
]


def _fill(ctx: Ctx, name: str, count: int, **attrs: Any) -> None:
    for i in range(count):
        item = seeded_item(ctx, "p" if i % 3 else "q", i)
        item.update({k: (v(i) if callable(v) else v) for k, v in attrs.items()})
        put(ctx, name, item)


def _pages(ctx: Ctx, method: Any, ref: str, **params: Any) -> None:
    """Every page through LastEvaluatedKey/ExclusiveStartKey."""
    extra: dict[str, Any] = {}
    for _ in range(100):
        out = ctx.call(method, **params, **extra, ref=ref)
        last = out.response.get("LastEvaluatedKey")
        if not last:
            return
        extra = {"ExclusiveStartKey": last}


@scenario("dynamodb", "queries", "moto-steered", cases=2)
def query_pages(ctx: Ctx) -> None:
    """Query one partition Limit items at a time (seeded), forward and backward."""
    name = table(ctx, sort="N")
    count = ctx.rng.randrange(6, 16)
    _fill(ctx, name, count)
    limit = ctx.rng.randrange(1, 5)
    for forward in (True, False):
        _pages(ctx, ctx.ddb.query, QUERY, TableName=name, KeyConditionExpression="pk = :p",
               ExpressionAttributeValues={":p": s("p")}, Limit=limit,
               ScanIndexForward=forward)  # fmt: skip


@scenario("dynamodb", "queries", "gsi", cases=2)
def gsi_pages(ctx: Ctx) -> None:
    """Query and Scan a GSI page by page (items without the GSI key are not in it)."""
    name = table(ctx, sort="N", gsi=("colour", "S"))
    colours = ("red", "green")
    _fill(ctx, name, ctx.rng.randrange(6, 14), colour=lambda i: s(colours[i % 2]))
    put(ctx, name, {"pk": s("sparse"), "sk": n(99)})
    limit = ctx.rng.randrange(1, 4)
    _pages(
        ctx,
        ctx.ddb.query,
        QUERY,
        TableName=name,
        IndexName="gsi",
        Limit=limit,
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": s("red")},
    )
    _pages(ctx, ctx.ddb.scan, SCAN, TableName=name, IndexName="gsi", Limit=limit)  # fmt: skip


@scenario("dynamodb", "queries", "lsi", "moto-steered")
def lsi_pages(ctx: Ctx) -> None:
    """Query an LSI (same partition, another sort key) page by page, with a projection."""
    name = table(ctx, sort="N", lsi=("rank", "N"))
    _fill(ctx, name, ctx.rng.randrange(6, 14), rank=lambda i: n(100 - i))
    _pages(ctx, ctx.ddb.query, QUERY, TableName=name, IndexName="lsi",
           KeyConditionExpression="pk = :p AND #r > :r", ExpressionAttributeNames={"#r": "rank"},
           ExpressionAttributeValues={":p": s("p"), ":r": n(90)}, Limit=2,
           ProjectionExpression="pk, sk, #r")  # fmt: skip


@scenario("dynamodb", "queries", "errors", "gsi")
def gsi_consistent_read(ctx: Ctx) -> None:
    """ConsistentRead on a GSI query -> 400 ValidationException."""
    name = table(ctx, gsi=("colour", "S"))
    ctx.call(ctx.ddb.query, TableName=name, IndexName="gsi", ConsistentRead=True,
             KeyConditionExpression="colour = :c", ExpressionAttributeValues={":c": s("red")},
             expect="ValidationException", ref=QUERY)  # fmt: skip


@scenario("dynamodb", "queries", cases=len(KEY_CONDITIONS))
def key_conditions(ctx: Ctx) -> None:
    """Query with a sort-key condition (one comparator per case), Select COUNT, filter."""
    expr, values = KEY_CONDITIONS[ctx.case - 1]
    name = table(ctx, sort="N")
    _fill(ctx, name, 12)
    values = {":p": s("p"), **values}
    ctx.call(ctx.ddb.query, TableName=name, KeyConditionExpression=expr,
             ExpressionAttributeValues=values, ref=QUERY)  # fmt: skip
    ctx.call(ctx.ddb.query, TableName=name, KeyConditionExpression=expr, Select="COUNT",
             ExpressionAttributeValues=values)  # fmt: skip
    ctx.call(ctx.ddb.query, TableName=name, KeyConditionExpression=expr,
             FilterExpression="#c > :z", ExpressionAttributeNames={"#c": "count"},
             ExpressionAttributeValues={**values, ":z": n(500)})  # fmt: skip


@scenario("dynamodb", "queries", "moto-steered", cases=2)
def scan_pages(ctx: Ctx) -> None:
    """Scan with a filter page by page (Count vs ScannedCount), and 3 parallel segments."""
    name = table(ctx, sort="N")
    _fill(ctx, name, ctx.rng.randrange(8, 20))
    _pages(ctx, ctx.ddb.scan, SCAN, TableName=name, Limit=ctx.rng.randrange(2, 6),
           FilterExpression="#c >= :z", ExpressionAttributeNames={"#c": "count"},
           ExpressionAttributeValues={":z": n(300)})  # fmt: skip
    for segment in range(3):
        _pages(ctx, ctx.ddb.scan, SCAN, TableName=name, Segment=segment, TotalSegments=3)
