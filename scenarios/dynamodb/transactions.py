"""DynamoDB transaction scenarios: TransactWriteItems/TransactGetItems, cancellation reasons."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.dynamodb.common import API, n, put, s, table
from scenarios.registry import scenario

WRITE = f"{API}/API_TransactWriteItems.html"
GET = f"{API}/API_TransactGetItems.html"
CANCELLED = "TransactionCanceledException"


def _two_items(ctx: Ctx) -> str:
    name = table(ctx)
    put(ctx, name, {"pk": s("a"), "count": n(1)})
    put(ctx, name, {"pk": s("b"), "count": n(2)})
    return name


def _token(ctx: Ctx) -> str:
    # Seeded, not botocore's random default, so a recording is reproducible request for request.
    return f"awsrec-{ctx.token}-{ctx.rng.randrange(10**9)}"


def _actions(name: str, condition_value: int) -> list[dict[str, Any]]:
    return [
        {"Put": {"TableName": name, "Item": {"pk": s("c"), "count": n(3)}}},
        {"Update": {"TableName": name, "Key": {"pk": s("a")}, "UpdateExpression": "ADD #c :one",
                    "ExpressionAttributeNames": {"#c": "count"},
                    "ExpressionAttributeValues": {":one": n(1)}}},
        {"ConditionCheck": {"TableName": name, "Key": {"pk": s("b")},
                            "ConditionExpression": "#c = :v",
                            "ExpressionAttributeNames": {"#c": "count"},
                            "ExpressionAttributeValues": {":v": n(condition_value)},
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
    ]  # fmt: skip


@scenario("dynamodb", "transactions")
def write_commits(ctx: Ctx) -> None:
    """Put + Update + ConditionCheck (true) commit together; then a Delete; TransactGetItems."""
    name = _two_items(ctx)
    ctx.call(ctx.ddb.transact_write_items, TransactItems=_actions(name, 2),
             ClientRequestToken=_token(ctx), ref=WRITE)  # fmt: skip
    ctx.call(ctx.ddb.transact_write_items, ClientRequestToken=_token(ctx),
             TransactItems=[{"Delete": {"TableName": name, "Key": {"pk": s("c")}}}])  # fmt: skip
    keys = [{"Get": {"TableName": name, "Key": {"pk": s(k)}}} for k in "abc"]
    ctx.call(ctx.ddb.transact_get_items, TransactItems=keys, ref=GET)


@scenario("dynamodb", "transactions", "errors", cases=2)
def write_cancelled(ctx: Ctx) -> None:
    """A false ConditionCheck cancels all: CancellationReasons lists None/None/ConditionalCheck."""
    name = _two_items(ctx)
    actions = _actions(name, 99)
    if ctx.case == 2:  # the failing check first: reasons keep request order
        actions.reverse()
    ctx.call(ctx.ddb.transact_write_items, TransactItems=actions, expect=CANCELLED,
             ClientRequestToken=_token(ctx), ref=WRITE)  # fmt: skip
    ctx.call(ctx.ddb.get_item, TableName=name, Key={"pk": s("c")})


@scenario("dynamodb", "transactions", "errors")
def same_item_twice(ctx: Ctx) -> None:
    """Two actions on one item in a transaction -> 400 ValidationException."""
    name = _two_items(ctx)
    key = {"pk": s("a")}
    ctx.call(ctx.ddb.transact_write_items, expect="ValidationException", ref=WRITE,
             ClientRequestToken=_token(ctx), TransactItems=[
                 {"Delete": {"TableName": name, "Key": key}},
                 {"ConditionCheck": {"TableName": name, "Key": key,
                                     "ConditionExpression": "attribute_exists(pk)"}},
             ])  # fmt: skip


@scenario("dynamodb", "transactions", "errors", "limits")
def over_100_actions(ctx: Ctx) -> None:
    """TransactWriteItems with 101 actions -> 400 ValidationException (limit 100)."""
    name = table(ctx)
    items = [{"Put": {"TableName": name, "Item": {"pk": s(f"t{i}")}}} for i in range(101)]
    ctx.call(ctx.ddb.transact_write_items, TransactItems=items, ClientRequestToken=_token(ctx),
             expect="ValidationException", ref=WRITE)  # fmt: skip


@scenario("dynamodb", "transactions")
def idempotent_token(ctx: Ctx) -> None:
    """The same ClientRequestToken twice: the second call succeeds without applying again."""
    name = _two_items(ctx)
    token = _token(ctx)
    action = [{"Update": {"TableName": name, "Key": {"pk": s("a")}, "UpdateExpression": "ADD #c :o",
                          "ExpressionAttributeNames": {"#c": "count"},
                          "ExpressionAttributeValues": {":o": n(1)}}}]  # fmt: skip
    for _ in range(2):
        ctx.call(ctx.ddb.transact_write_items, TransactItems=action, ClientRequestToken=token,
                 ref=WRITE)  # fmt: skip
    ctx.call(ctx.ddb.get_item, TableName=name, Key={"pk": s("a")}, ConsistentRead=True)
