"""DynamoDB update-expression scenarios: SET/REMOVE/ADD/DELETE, functions, paths, ReturnValues."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.dynamodb.common import API, n, put, s, seeded_item, table
from scenarios.registry import scenario

UPDATE = f"{API}/API_UpdateItem.html"
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
EXPRESSIONS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
    "Expressions.UpdateExpressions.html"
)
RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")
KEY = {"pk": s("u")}


def _update(ctx: Ctx, name: str, expr: str, values: dict[str, Any] | None = None,
            names: dict[str, str] | None = None, **extra: Any) -> None:  # fmt: skip
    params: dict[str, Any] = {"UpdateExpression": expr, **extra}
    if values:
        params["ExpressionAttributeValues"] = values
    if names:
        params["ExpressionAttributeNames"] = names
    ctx.call(ctx.ddb.update_item, TableName=name, Key=KEY, ref=EXPRESSIONS, **params)


def _seeded(ctx: Ctx) -> str:
    name = table(ctx)
    item = seeded_item(ctx, "u")
    item.update(
        tags={"SS": ["a", "b"]},
        other={"SS": ["a", "b"]},
        list={"L": [n(1)]},
        map={"M": {"inner": s("v")}},
    )
    put(ctx, name, item)
    return name


@scenario("dynamodb", "updates")
def set_remove_add_delete(ctx: Ctx) -> None:
    """One UpdateExpression with SET, REMOVE, ADD (number and set) and DELETE clauses."""
    name = _seeded(ctx)
    _update(ctx, name, "SET #t = :t REMOVE #f ADD #c :one, #g :more DELETE #o :gone",
            {":t": s("new"), ":one": n(1), ":more": {"SS": ["c"]}, ":gone": {"SS": ["a"]}},
            {"#t": "text", "#f": "flag", "#c": "count", "#g": "tags", "#o": "other"},
            ReturnValues="ALL_NEW")  # fmt: skip


@scenario("dynamodb", "updates")
def functions(ctx: Ctx) -> None:
    """list_append (both ends) and if_not_exists in SET; arithmetic with + and -."""
    name = _seeded(ctx)
    _update(ctx, name, "SET #l = list_append(:head, list_append(#l, :tail)), "
            "#x = if_not_exists(#x, :zero) + :two, #c = #c - :one",
            {":head": {"L": [s("h")]}, ":tail": {"L": [s("t")]}, ":zero": n(0), ":two": n(2),
             ":one": n(1)}, {"#l": "list", "#x": "created", "#c": "count"},
            ReturnValues="UPDATED_NEW")  # fmt: skip


@scenario("dynamodb", "updates")
def nested_paths(ctx: Ctx) -> None:
    """Document paths into maps and lists: SET map.deep.x, list[0], REMOVE list[5] (no-op)."""
    name = _seeded(ctx)
    _update(ctx, name, "SET #m.#i = :v, #m.#n = :nested, #l[0] = :first REMOVE #l[5]",
            {":v": s("changed"), ":nested": {"M": {"x": n(1)}}, ":first": s("first")},
            {"#m": "map", "#i": "inner", "#n": "added", "#l": "list"},
            ReturnValues="ALL_NEW")  # fmt: skip


@scenario("dynamodb", "updates", name="return-values", cases=len(RETURN_VALUES))
def return_values(ctx: Ctx) -> None:
    """UpdateItem with each ReturnValues option (one per case)."""
    name = _seeded(ctx)
    _update(ctx, name, "SET #t = :t ADD #c :one", {":t": s(f"r{ctx.case}"), ":one": n(1)},
            {"#t": "text", "#c": "count"}, ReturnValues=RETURN_VALUES[ctx.case - 1])  # fmt: skip


@scenario("dynamodb", "updates")
def creates_item(ctx: Ctx) -> None:
    """UpdateItem of an absent key creates it (ADD on an absent number starts at 0)."""
    name = table(ctx)
    _update(ctx, name, "ADD #c :n SET #t = :t", {":n": n(ctx.rng.randrange(1, 99)),
            ":t": s("made")}, {"#c": "count", "#t": "text"}, ReturnValues="ALL_NEW")  # fmt: skip
    ctx.call(ctx.ddb.get_item, TableName=name, Key=KEY, ConsistentRead=True)


@scenario("dynamodb", "updates", "legacy")
def legacy_attribute_updates(ctx: Ctx) -> None:
    """The legacy AttributeUpdates parameter: PUT, ADD, DELETE actions."""
    name = _seeded(ctx)
    ctx.call(ctx.ddb.update_item, TableName=name, Key=KEY, ReturnValues="ALL_NEW", ref=UPDATE,
             AttributeUpdates={"text": {"Action": "PUT", "Value": s("legacy")},
                               "count": {"Action": "ADD", "Value": n(5)},
                               "flag": {"Action": "DELETE"}})  # fmt: skip
