"""DynamoDB batch scenarios: BatchWriteItem/BatchGetItem at and over their limits."""

from __future__ import annotations

from scenarios.context import Ctx
from scenarios.dynamodb.common import API, s, seeded_item, table
from scenarios.registry import scenario

WRITE = f"{API}/API_BatchWriteItem.html"
GET = f"{API}/API_BatchGetItem.html"
VE = "ValidationException"


def _write(ctx: Ctx, name: str, count: int, expect: str = "ok") -> None:
    puts = [{"PutRequest": {"Item": seeded_item(ctx, f"b{i:03d}")}} for i in range(count)]
    ctx.call(ctx.ddb.batch_write_item, RequestItems={name: puts}, expect=expect, ref=WRITE)


@scenario("dynamodb", "batch", "limits")
def write_25(ctx: Ctx) -> None:
    """BatchWriteItem of 25 puts (the limit): all written, UnprocessedItems empty."""
    name = table(ctx)
    _write(ctx, name, 25)
    ctx.call(ctx.ddb.scan, TableName=name, Select="COUNT")


@scenario("dynamodb", "batch", "limits", "errors")
def write_26(ctx: Ctx) -> None:
    """BatchWriteItem of 26 puts -> 400 ValidationException; nothing written."""
    name = table(ctx)
    _write(ctx, name, 26, expect=VE)
    ctx.call(ctx.ddb.scan, TableName=name, Select="COUNT")


@scenario("dynamodb", "batch", "errors")
def write_duplicate_keys(ctx: Ctx) -> None:
    """BatchWriteItem putting and deleting the same key -> 400 ValidationException."""
    name = table(ctx)
    ctx.call(ctx.ddb.batch_write_item, expect=VE, ref=WRITE, RequestItems={name: [
        {"PutRequest": {"Item": {"pk": s("dup")}}},
        {"DeleteRequest": {"Key": {"pk": s("dup")}}},
    ]})  # fmt: skip


@scenario("dynamodb", "batch", "limits", cases=2)
def get_100(ctx: Ctx) -> None:
    """BatchGetItem of 100 keys (the limit), some absent, with a ProjectionExpression."""
    name = table(ctx)
    _write(ctx, name, ctx.rng.randrange(1, 26))
    keys = [{"pk": s(f"b{i:03d}")} for i in range(100)]
    request = {"Keys": keys, "ProjectionExpression": "pk, #c", "ConsistentRead": ctx.case == 1}
    request["ExpressionAttributeNames"] = {"#c": "count"}
    ctx.call(ctx.ddb.batch_get_item, RequestItems={name: request}, ref=GET)


@scenario("dynamodb", "batch", "limits", "errors")
def get_101(ctx: Ctx) -> None:
    """BatchGetItem of 101 keys -> 400 ValidationException."""
    name = table(ctx)
    keys = [{"pk": s(f"k{i:03d}")} for i in range(101)]
    ctx.call(ctx.ddb.batch_get_item, RequestItems={name: {"Keys": keys}}, expect=VE, ref=GET)


@scenario("dynamodb", "batch", "errors")
def get_duplicate_keys(ctx: Ctx) -> None:
    """BatchGetItem naming one key twice -> 400 ValidationException."""
    name = table(ctx)
    keys = [{"pk": s("same")}, {"pk": s("same")}]
    ctx.call(ctx.ddb.batch_get_item, RequestItems={name: {"Keys": keys}}, expect=VE, ref=GET)
