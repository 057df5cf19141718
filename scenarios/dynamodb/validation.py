"""DynamoDB validation scenarios: each class of ValidationException, and the resource errors."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.dynamodb.common import API, ERRORS, EXPR, n, put, s, table
from scenarios.registry import scenario

VE = "ValidationException"
KEY = {"pk": s("v")}
# (name, UpdateExpression, names, values): each breaks one documented expression rule.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ExpressionAttributeNames.html
BAD_UPDATES: list[tuple[str, str, dict[str, str], dict[str, Any]]] = [
    ("syntax-error", "SET #a = ", {"#a": "a"}, {":v": n(1)}),
    ("undefined-name", "SET #missing = :v", {}, {":v": n(1)}),
    ("undefined-value", "SET #a = :missing", {"#a": "a"}, {}),
    ("unused-name", "SET #a = :v", {"#a": "a", "#unused": "b"}, {":v": n(1)}),
    ("unused-value", "SET #a = :v", {"#a": "a"}, {":v": n(1), ":unused": n(2)}),
    ("reserved-word", "SET status = :v", {}, {":v": s("x")}),
    ("overlapping-paths", "SET #a = :v REMOVE #a", {"#a": "a"}, {":v": n(1)}),
    ("update-key", "SET pk = :v", {}, {":v": s("other")}),
    ("add-to-string", "ADD #a :v", {"#a": "text"}, {":v": s("x")}),
    ("duplicate-clause", "SET #a = :v SET #b = :v", {"#a": "a", "#b": "b"}, {":v": n(1)}),
]


def _bad_update(name: str, expr: str, names: dict[str, str], values: dict[str, Any]) -> None:
    @scenario("dynamodb", "validation", "errors", name=f"update-{name}")
    def probe(ctx: Ctx) -> None:
        tname = table(ctx)
        put(ctx, tname, {"pk": s("v"), "text": s("t")})
        params: dict[str, Any] = {"UpdateExpression": expr}
        if names:
            params["ExpressionAttributeNames"] = names
        if values:
            params["ExpressionAttributeValues"] = values
        ctx.call(ctx.ddb.update_item, TableName=tname, Key=KEY, expect=VE, ref=EXPR, **params)

    probe.__doc__ = f"UpdateExpression `{expr}` -> 400 ValidationException ({name})."


for _update in BAD_UPDATES:
    _bad_update(*_update)

# (name, Item) with a value DynamoDB rejects. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
BAD_ITEMS: list[tuple[str, dict[str, Any]]] = [
    ("key-wrong-type", {"pk": n(1)}),
    ("key-missing", {"other": s("x")}),
    ("key-empty-string", {"pk": s("")}),
    ("empty-set", {"pk": s("v"), "set": {"SS": []}}),
    ("duplicate-set-values", {"pk": s("v"), "set": {"SS": ["a", "a"]}}),
    ("not-a-number", {"pk": s("v"), "num": n("abc")}),
]


def _bad_item(name: str, item: dict[str, Any]) -> None:
    @scenario("dynamodb", "validation", "errors", name=f"item-{name}")
    def probe(ctx: Ctx) -> None:
        tname = table(ctx)
        ctx.call(ctx.ddb.put_item, TableName=tname, Item=item, expect=VE,
                 ref=f"{API}/API_PutItem.html")  # fmt: skip

    probe.__doc__ = f"PutItem with an invalid item ({name}) -> 400 ValidationException."


for _item in BAD_ITEMS:
    _bad_item(*_item)


@scenario("dynamodb", "validation", "errors", "limits")
def item_too_large(ctx: Ctx) -> None:
    """An item over 400 KB -> 400 ValidationException (item size limit)."""
    name = table(ctx)
    big = "x" * (400 * 1024 + ctx.rng.randrange(1, 1000))
    ctx.call(ctx.ddb.put_item, TableName=name, Item={"pk": s("big"), "blob": s(big)}, expect=VE,
             ref="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
             "ServiceQuotas.html")  # fmt: skip


@scenario("dynamodb", "validation", "errors")
def missing_table(ctx: Ctx) -> None:
    """GetItem/DescribeTable/DeleteTable of an absent table -> 400 ResourceNotFoundException."""
    name = ctx.name("absent")
    ddb = ctx.ddb
    for method, extra in ((ddb.get_item, {"Key": KEY}), (ddb.describe_table, {}),
                          (ddb.delete_table, {})):  # fmt: skip
        ctx.call(method, TableName=name, expect="ResourceNotFoundException", ref=ERRORS, **extra)


@scenario("dynamodb", "validation", "errors")
def table_exists(ctx: Ctx) -> None:
    """CreateTable with an existing name -> 400 ResourceInUseException."""
    name = table(ctx)
    ctx.call(ctx.ddb.create_table, TableName=name, BillingMode="PAY_PER_REQUEST",
             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
             expect="ResourceInUseException", ref=f"{API}/API_CreateTable.html")  # fmt: skip
