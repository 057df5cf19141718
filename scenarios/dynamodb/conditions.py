"""DynamoDB condition-expression scenarios: each function and comparator, true and false."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.dynamodb.common import API, ERRORS, n, put, s, seeded_item, table
from scenarios.registry import scenario

CCF = "ConditionalCheckFailedException"
PUT = f"{API}/API_PutItem.html"
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
FUNCS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
    "Expressions.OperatorsAndFunctions.html"
)
# (condition, names, values) that hold for the item `_base` writes, and a false twin each.
CONDITIONS: list[tuple[str, dict[str, str], dict[str, Any], dict[str, Any]]] = [
    ("attribute_exists(#t) AND #c = :v", {"#t": "text", "#c": "count"}, {":v": n(42)},
     {":v": n(0)}),
    ("attribute_type(#c, :ty)", {"#c": "count"}, {":ty": s("N")}, {":ty": s("S")}),
    ("begins_with(#t, :p)", {"#t": "text"}, {":p": s("t-")}, {":p": s("zz")}),
    ("contains(#g, :v)", {"#g": "tags"}, {":v": s("red")}, {":v": s("blue")}),
    ("size(#t) > :z", {"#t": "text"}, {":z": n(1)}, {":z": n(999)}),
    ("#c BETWEEN :lo AND :hi", {"#c": "count"}, {":lo": n(0), ":hi": n(100)},
     {":lo": n(500), ":hi": n(600)}),
    ("#c IN (:a, :b, :c)", {"#c": "count"}, {":a": n(1), ":b": n(42), ":c": n(7)},
     {":a": n(1), ":b": n(2), ":c": n(3)}),
    ("NOT (#c <> :v) AND (attribute_not_exists(#x) OR #c < :v)", {"#c": "count", "#x": "none"},
     {":v": n(42)}, {":v": n(41)}),
]  # fmt: skip


def _base(ctx: Ctx) -> str:
    name = table(ctx)
    put(ctx, name, {"pk": s("item"), "text": s("t-1"), "count": n(42), "tags": {"SS": ["red"]}})
    return name


@scenario("dynamodb", "conditions", cases=len(CONDITIONS))
def condition_function(ctx: Ctx) -> None:
    """PutItem with a ConditionExpression (one function/operator per case): true, then false."""
    expr, names, true_values, false_values = CONDITIONS[ctx.case - 1]
    name = _base(ctx)
    item = {"pk": s("item"), "text": s("t-2"), "count": n(42), "tags": {"SS": ["red"]}}
    for values, expect in ((true_values, "ok"), (false_values, CCF)):
        extra = {"ExpressionAttributeValues": values} if values else {}
        ctx.call(ctx.ddb.put_item, TableName=name, Item=item, ConditionExpression=expr,
                 ExpressionAttributeNames=names, expect=expect, ref=FUNCS, **extra)  # fmt: skip


@scenario("dynamodb", "conditions", "errors")
def put_if_absent(ctx: Ctx) -> None:
    """attribute_not_exists(pk): the first put wins, the second -> ConditionalCheckFailed."""
    name = table(ctx)
    item = seeded_item(ctx, "once")
    for expect in ("ok", CCF):
        ctx.call(ctx.ddb.put_item, TableName=name, Item=item, expect=expect, ref=PUT,
                 ConditionExpression="attribute_not_exists(pk)")  # fmt: skip


@scenario("dynamodb", "conditions", "errors")
def failure_returns_item(ctx: Ctx) -> None:
    """ReturnValuesOnConditionCheckFailure=ALL_OLD puts the item in the CCF error."""
    name = _base(ctx)
    ctx.call(ctx.ddb.put_item, TableName=name, Item={"pk": s("item")}, expect=CCF, ref=ERRORS,
             ConditionExpression="attribute_not_exists(pk)",
             ReturnValuesOnConditionCheckFailure="ALL_OLD")  # fmt: skip


@scenario("dynamodb", "conditions", "errors")
def conditional_delete(ctx: Ctx) -> None:
    """DeleteItem with a false condition -> CCF; true -> deleted, ReturnValues ALL_OLD."""
    name = _base(ctx)
    key = {"pk": s("item")}
    for value, expect in ((n(1), CCF), (n(42), "ok")):
        ctx.call(ctx.ddb.delete_item, TableName=name, Key=key, ConditionExpression="#c = :v",
                 ExpressionAttributeNames={"#c": "count"}, ExpressionAttributeValues={":v": value},
                 ReturnValues="ALL_OLD", expect=expect,
                 ref=f"{API}/API_DeleteItem.html")  # fmt: skip


@scenario("dynamodb", "conditions", "legacy")
def legacy_expected(ctx: Ctx) -> None:
    """The legacy Expected parameter: Exists false on a present item -> CCF; Value match ok."""
    name = _base(ctx)
    ctx.call(ctx.ddb.put_item, TableName=name, Item={"pk": s("item")}, expect=CCF,
             Expected={"pk": {"Exists": False}}, ref=f"{API}/API_PutItem.html")  # fmt: skip
    ctx.call(ctx.ddb.put_item, TableName=name, Item={"pk": s("item"), "count": n(43)},
             Expected={"count": {"Value": n(42)}})  # fmt: skip
