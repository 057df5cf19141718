"""Shared DynamoDB scenario helpers: a table that deletes itself, seeded items, doc links."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx, ScenarioError

API = "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference"
ERRORS = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html"
EXPR = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html"
Item = dict[str, Any]


def table(
    ctx: Ctx,
    sort: str | None = None,
    gsi: tuple[str, str] | None = None,
    lsi: tuple[str, str] | None = None,
) -> str:
    """Create this scenario's table (pk S [, sk of type `sort`]), wait for ACTIVE, delete at end.

    `gsi`/`lsi` are (attribute, type) pairs: a GSI on (gsi[, sk]), an LSI on (pk, lsi).
    """
    name = ctx.name()
    attrs = {"pk": "S"}
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    if sort:
        attrs["sk"] = sort
        keys.append({"AttributeName": "sk", "KeyType": "RANGE"})
    extra: dict[str, Any] = {}
    if gsi:
        attrs[gsi[0]] = gsi[1]
        # With the table's sort key as its own, the GSI's order is total: AWS leaves the order
        # of items sharing a GSI hash key (and so the page boundaries) unspecified otherwise.
        gsi_keys = [(gsi[0], "HASH")] + ([("sk", "RANGE")] if sort else [])
        extra["GlobalSecondaryIndexes"] = [_index("gsi", gsi_keys)]
    if lsi:
        attrs[lsi[0]] = lsi[1]
        extra["LocalSecondaryIndexes"] = [_index("lsi", [("pk", "HASH"), (lsi[0], "RANGE")])]
    definitions = [{"AttributeName": k, "AttributeType": v} for k, v in attrs.items()]
    ctx.call(ctx.ddb.create_table, TableName=name, KeySchema=keys, BillingMode="PAY_PER_REQUEST",
             AttributeDefinitions=definitions, **extra)  # fmt: skip
    ctx.defer(lambda: drop(ctx, name))
    ctx.wait_until(lambda: _active(ctx, name), f"table {name} ACTIVE")
    return name


def _index(name: str, keys: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [{"AttributeName": a, "KeyType": t} for a, t in keys],
        "Projection": {"ProjectionType": "ALL"},
    }


def _active(ctx: Ctx, name: str) -> bool:
    out = ctx.call(ctx.ddb.describe_table, TableName=name)
    if not out.ok:  # an error is no "not yet": waiting would only repeat it
        raise ScenarioError(f"DescribeTable {name} while waiting for ACTIVE: {out.code}")
    described = out.response.get("Table", {})
    indexes = described.get("GlobalSecondaryIndexes", [])
    return bool(
        described.get("TableStatus") == "ACTIVE"
        and all(i.get("IndexStatus", "ACTIVE") == "ACTIVE" for i in indexes)
    )


def drop(ctx: Ctx, name: str) -> None:
    done = ctx.call(ctx.ddb.delete_table, TableName=name)
    if not done.ok:
        raise RuntimeError(f"table {name} not deleted: {done.code}")


def put(ctx: Ctx, name: str, item: Item, **extra: Any) -> None:
    ctx.call(ctx.ddb.put_item, TableName=name, Item=item, **extra)


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: object) -> dict[str, str]:
    return {"N": str(value)}


def seeded_item(ctx: Ctx, pk: str, sk: object | None = None) -> Item:
    """An item with a seeded mix of attribute types (S, N, B, BOOL, NULL, L, M, SS, NS)."""
    rng = ctx.rng
    item: Item = {"pk": s(pk), "count": n(rng.randrange(0, 1000))}
    if sk is not None:
        item["sk"] = n(sk) if isinstance(sk, int) else s(str(sk))
    pool: list[tuple[str, Any]] = [
        ("text", s(f"t-{rng.randrange(10**6)}")),
        ("blob", {"B": rng.randbytes(rng.randrange(1, 32))}),
        ("flag", {"BOOL": rng.random() < 0.5}),
        ("nothing", {"NULL": True}),
        ("list", {"L": [n(rng.randrange(10)), s("x")]}),
        ("map", {"M": {"inner": s("v"), "deep": {"M": {"n": n(rng.randrange(99))}}}}),
        ("tags", {"SS": sorted({f"tag{rng.randrange(9)}" for _ in range(3)})}),
        ("nums", {"NS": sorted({str(rng.randrange(99)) for _ in range(3)})}),
    ]
    for key, value in rng.sample(pool, rng.randrange(3, len(pool) + 1)):
        item[key] = value
    return item
