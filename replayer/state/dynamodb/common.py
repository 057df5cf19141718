"""Request plumbing shared by item, query, batch and transaction handlers."""

from __future__ import annotations

import math

from replayer.state.dynamodb.errors import ITEM_TOO_BIG, validation
from replayer.state.dynamodb.expressions import Context, bind, check_placeholders, parse
from replayer.state.dynamodb.expressions.ast import Parsed
from replayer.state.dynamodb.store import Doc
from replayer.state.dynamodb.table import Table
from replayer.state.dynamodb.types import MAX_ITEM_SIZE, Item, item_size

RETURN_VALUES = {
    "PutItem": ("NONE", "ALL_OLD"),
    "DeleteItem": ("NONE", "ALL_OLD"),
    "UpdateItem": ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"),
}
VALUE_USERS = {
    "PutItem": "ConditionExpression is null",
    "DeleteItem": "ConditionExpression is null",
    "UpdateItem": "UpdateExpression and ConditionExpression are null",
    "Query": "KeyConditionExpression and FilterExpression are null",
    "Scan": "FilterExpression is null",
    "ConditionCheck": "ConditionExpression is null",
}


def expressions(body: Doc, kinds: tuple[str, ...], op: str) -> tuple[dict[str, Parsed], Context]:
    """Parse the request's expressions of `kinds` and bind its names and values to them."""
    names, values = check_placeholders(body)
    parsed = {k: parse(k, body[k]) for k in kinds if body.get(k) is not None}
    if not parsed:
        if names:
            raise validation(
                "ExpressionAttributeNames can only be specified when using expressions"
            )
        if values:
            raise validation(
                "ExpressionAttributeValues can only be specified when using expressions: "
                + VALUE_USERS.get(op, "ConditionExpression is null")
            )
        return parsed, Context(names, values)
    return parsed, bind(list(parsed.values()), names, values)


def return_values(body: Doc, op: str) -> str:
    rv = body.get("ReturnValues", "NONE")
    if rv not in RETURN_VALUES[op]:
        raise validation("Return values set to invalid value")
    return str(rv)


def check_size(item: Item) -> int:
    size = item_size(item)
    if size > MAX_ITEM_SIZE:
        raise validation(ITEM_TOO_BIG)
    return size


def capacity(body: Doc, t: Table, units: float, index: str | None = None) -> Doc | None:
    """ConsumedCapacity as DynamoDB reports it for ReturnConsumedCapacity TOTAL/INDEXES.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
    """
    mode = body.get("ReturnConsumedCapacity", "NONE")
    if mode == "NONE":
        return None
    doc: Doc = {"TableName": t.description["TableName"], "CapacityUnits": units}
    if mode == "INDEXES":
        doc["Table"] = {"CapacityUnits": units}
        if index:
            kind = (
                "GlobalSecondaryIndexes" if t.indexes[index].is_global else "LocalSecondaryIndexes"
            )
            doc[kind] = {index: {"CapacityUnits": units}}
    return doc


def write_units(*sizes: int) -> float:
    return float(max(1, math.ceil(max(sizes) / 1024)))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return float(units if consistent else units / 2)
