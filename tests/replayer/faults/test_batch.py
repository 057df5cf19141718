"""Partial DynamoDB batch results: UnprocessedItems/UnprocessedKeys, and retry loops finishing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.faults.conftest import Faulty, boto, injected

PARTIAL = """\
seed: 5
rules:
  - id: partial-writes
    match: {service: dynamodb, operation: BatchWriteItem, table: orders}
    when: {first: 2}
    do: {unprocessed: 0.5}
  - id: partial-reads
    match: {service: dynamodb, operation: BatchGetItem}
    when: {first: 1}
    do: {unprocessed: {fraction: 0.25}}
"""


def make_table(ddb: Any, name: str) -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def puts(n: int) -> list[dict[str, Any]]:
    return [{"PutRequest": {"Item": {"id": {"S": str(i)}, "n": {"N": str(i)}}}} for i in range(n)]


def test_unprocessed_items_are_returned_then_written_by_a_retry_loop(faulty: Faulty) -> None:
    server = faulty(PARTIAL)
    ddb = boto("dynamodb", server.url)
    make_table(ddb, "orders")
    pending: dict[str, Any] = {"orders": puts(8)}
    left: list[int] = []
    # The loop AWS documents for BatchWriteItem: resend UnprocessedItems until none are left.
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
    while pending:
        out = ddb.batch_write_item(RequestItems=pending)
        pending = out["UnprocessedItems"]
        left.append(len(pending.get("orders", [])))
    assert left == [4, 2, 0]
    scan = ddb.scan(TableName="orders")
    assert sorted(int(item["id"]["S"]) for item in scan["Items"]) == list(range(8))
    assert [ids for op, ids in injected(server.url) if op == "BatchWriteItem"] == [
        ["partial-writes"],
        ["partial-writes"],
        [],
    ]


def test_unprocessed_items_were_not_written(faulty: Faulty) -> None:
    server = faulty(PARTIAL)
    ddb = boto("dynamodb", server.url)
    make_table(ddb, "orders")
    out = ddb.batch_write_item(RequestItems={"orders": puts(6)})
    aside = {r["PutRequest"]["Item"]["id"]["S"] for r in out["UnprocessedItems"]["orders"]}
    stored = {item["id"]["S"] for item in ddb.scan(TableName="orders")["Items"]}
    assert len(aside) == 3
    assert stored == {str(i) for i in range(6)} - aside


def test_unprocessed_keys_keep_the_request_parameters(faulty: Faulty) -> None:
    server = faulty(PARTIAL)
    ddb = boto("dynamodb", server.url)
    make_table(ddb, "items")
    for i in range(4):
        ddb.put_item(TableName="items", Item={"id": {"S": str(i)}, "n": {"N": str(i)}})
    keys = [{"id": {"S": str(i)}} for i in range(4)]
    request = {"items": {"Keys": keys, "ProjectionExpression": "id", "ConsistentRead": True}}
    out = ddb.batch_get_item(RequestItems=request)
    unprocessed = out["UnprocessedKeys"]["items"]
    assert len(unprocessed["Keys"]) == 1
    assert (unprocessed["ProjectionExpression"], unprocessed["ConsistentRead"]) == ("id", True)
    assert len(out["Responses"]["items"]) == 3
    again = ddb.batch_get_item(RequestItems=out["UnprocessedKeys"])
    assert again["Responses"]["items"] == [unprocessed["Keys"][0]]
    assert again["UnprocessedKeys"] == {}


def test_nothing_processed_is_provisioned_throughput_exceeded(faulty: Faulty) -> None:
    # "If none of the items can be processed ... BatchWriteItem returns a
    # ProvisionedThroughputExceededException."
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
    server = faulty(
        """\
        - match: {service: dynamodb, operation: BatchWriteItem}
          do: {unprocessed: 1.0}
        """
    )
    ddb = boto("dynamodb", server.url)
    make_table(ddb, "orders")
    with pytest.raises(ClientError) as caught:
        ddb.batch_write_item(RequestItems={"orders": puts(2)})
    assert caught.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    assert ddb.scan(TableName="orders")["Count"] == 0
