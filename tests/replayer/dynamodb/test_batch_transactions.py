"""Batches and transactions through boto3: limits, duplicates, cancellation reasons, tokens."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.dynamodb.conftest import error


def key(i: int) -> dict[str, Any]:
    return {"pk": {"S": "p"}, "sk": {"N": str(i)}}


def test_batch_write_then_get(ddb: Any, table: str) -> None:
    ddb.batch_write_item(
        RequestItems={
            table: [{"PutRequest": {"Item": {**key(i), "v": {"N": str(i)}}}} for i in range(25)]
        }
    )
    got = ddb.batch_get_item(
        RequestItems={table: {"Keys": [key(i) for i in range(0, 30)], "ProjectionExpression": "v"}}
    )
    assert sorted(int(i["v"]["N"]) for i in got["Responses"][table]) == list(range(25))
    assert got["UnprocessedKeys"] == {}
    ddb.batch_write_item(
        RequestItems={table: [{"DeleteRequest": {"Key": key(i)}} for i in range(20)]}
    )
    assert ddb.scan(TableName=table)["Count"] == 5


def test_batch_limits_and_duplicates(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.batch_get_item(RequestItems={table: {"Keys": [key(i) for i in range(101)]}})
    assert error(exc) == (
        "ValidationException",
        "Too many items requested for the BatchGetItem call",
    )
    with pytest.raises(ClientError) as exc:
        ddb.batch_get_item(RequestItems={table: {"Keys": [key(1), key(1)]}})
    assert error(exc) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ClientError) as exc:
        ddb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": key(1)}}, {"DeleteRequest": {"Key": key(1)}}]
            }
        )
    assert error(exc) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ClientError) as exc:
        ddb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": key(i)}} for i in range(26)]}
        )
    assert error(exc)[0] == "ValidationException"
    assert ddb.scan(TableName=table)["Count"] == 0


def test_transaction_cancelled_with_reasons_in_order(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**key(1), "v": {"N": "1"}})
    with pytest.raises(ClientError) as exc:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "ConditionCheck": {
                        "TableName": table,
                        "Key": key(1),
                        "ConditionExpression": "v = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {"Put": {"TableName": table, "Item": key(2)}},
            ]
        )
    assert error(exc) == (
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None]",
    )
    reasons = exc.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert reasons[0]["Item"] == {**key(1), "v": {"N": "1"}}
    assert reasons[1] == {"Code": "None"}
    assert "Item" not in ddb.get_item(TableName=table, Key=key(2))  # nothing applied


def test_transaction_applies_all_and_is_idempotent(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**key(1), "v": {"N": "1"}})
    items = [
        {
            "Update": {
                "TableName": table,
                "Key": key(1),
                "UpdateExpression": "SET v = v + :one",
                "ConditionExpression": "v = :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        },
        {"Put": {"TableName": table, "Item": key(2)}},
        {"Delete": {"TableName": table, "Key": key(3)}},
    ]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="tok-1")
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="tok-1")  # not re-applied
    got = ddb.transact_get_items(
        TransactItems=[{"Get": {"TableName": table, "Key": key(i)}} for i in (1, 2, 3)]
    )["Responses"]
    assert got[0]["Item"]["v"] == {"N": "2"}
    assert got[1]["Item"] == key(2)
    assert got[2] == {}
    with pytest.raises(ClientError) as exc:
        ddb.transact_write_items(TransactItems=items[1:], ClientRequestToken="tok-1")
    assert error(exc)[0] == "IdempotentParameterMismatchException"
    with pytest.raises(ClientError) as exc:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": key(5)}},
                {"Delete": {"TableName": table, "Key": key(5)}},
            ]
        )
    assert error(exc) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )
