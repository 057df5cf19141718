"""Query and Scan through boto3: key conditions, order, indexes, and paging without loss."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.dynamodb.conftest import error, make_table

S = {"AttributeType": "S"}
N = {"AttributeType": "N"}


@pytest.fixture
def indexed(ddb: Any) -> Any:
    make_table(
        ddb,
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [
                    {"AttributeName": "g", "KeyType": "HASH"},
                    {"AttributeName": "gs", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        more_defs=[
            {"AttributeName": "g", **S},
            {"AttributeName": "gs", **N},
            {"AttributeName": "l", **S},
        ],
    )
    with ddb_batch(ddb) as put:
        for p in ("a", "b", "c"):
            for i in range(40):
                item = {"pk": {"S": p}, "sk": {"N": str(i)}, "pad": {"S": "x" * 50}}
                if i % 2 == 0:  # sparse indexes: only even items carry the index keys
                    item["g"] = {"S": f"g{i % 3}"}
                    item["gs"] = {"N": str(-i)}
                    item["l"] = {"S": f"{39 - i:03d}"}
                put(item)
    return ddb


class ddb_batch:  # noqa: N801 - reads like a helper call
    def __init__(self, ddb: Any) -> None:
        self.ddb = ddb
        self.pending: list[Any] = []

    def __enter__(self) -> Any:
        return self.add

    def add(self, item: Any) -> None:
        self.pending.append({"PutRequest": {"Item": item}})
        if len(self.pending) == 25:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.ddb.batch_write_item(RequestItems={"things": self.pending})
            self.pending = []

    def __exit__(self, *exc: Any) -> None:
        self.flush()


def pages(call: Any, **kw: Any) -> list[list[Any]]:
    out = []
    while True:
        resp = call(TableName="things", **kw)
        out.append(resp["Items"])
        if "LastEvaluatedKey" not in resp:
            return out
        kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def keys(items: list[Any]) -> list[tuple[str, int]]:
    return [(i["pk"]["S"], int(i["sk"]["N"])) for i in items]


def test_query_orders_and_conditions(indexed: Any) -> None:
    q = indexed.query
    v = {":p": {"S": "b"}, ":lo": {"N": "5"}, ":hi": {"N": "9"}}
    got = q(
        TableName="things",
        KeyConditionExpression="pk = :p AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues=v,
        ScanIndexForward=False,
    )
    assert keys(got["Items"]) == [("b", i) for i in (9, 8, 7, 6, 5)]
    got = q(
        TableName="things",
        KeyConditionExpression="pk = :p AND sk < :lo",
        FilterExpression="attribute_exists(g)",
        ExpressionAttributeValues={":p": {"S": "b"}, ":lo": {"N": "5"}},
    )
    assert keys(got["Items"]) == [("b", 0), ("b", 2), ("b", 4)]
    assert got["ScannedCount"] == 5
    count = q(
        TableName="things",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}},
        Select="COUNT",
    )
    assert count["Count"] == 40
    assert "Items" not in count


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [1, 7, 40])
def test_query_pages_return_every_item_once(indexed: Any, limit: int, forward: bool) -> None:
    got = pages(
        indexed.query,
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "c"}},
        Limit=limit,
        ScanIndexForward=forward,
    )
    flat = keys([i for p in got for i in p])
    expected = [("c", i) for i in range(40)]
    assert flat == (expected if forward else expected[::-1])


@pytest.mark.parametrize("limit", [1, 6, 100])
def test_query_gsi_and_lsi_pages(indexed: Any, limit: int) -> None:
    gsi = pages(
        indexed.query,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "g0"}},
        Limit=limit,
    )
    flat = [i for p in gsi for i in p]
    want = sorted(
        ((p, i) for p in "abc" for i in range(0, 40, 2) if i % 3 == 0), key=lambda k: (-k[1], k[0])
    )
    assert sorted(keys(flat), key=lambda k: (-k[1], k[0])) == want
    assert len(flat) == len(set(keys(flat)))
    assert [int(i["gs"]["N"]) for i in flat] == sorted(int(i["gs"]["N"]) for i in flat)
    assert set(flat[0]) == {"pk", "sk", "g", "gs"}  # KEYS_ONLY
    lsi = pages(
        indexed.query,
        IndexName="by-l",
        KeyConditionExpression="pk = :p AND begins_with(l, :z)",
        ExpressionAttributeValues={":p": {"S": "a"}, ":z": {"S": "0"}},
        Limit=limit,
    )
    flat = [i for p in lsi for i in p]
    assert [i["l"]["S"] for i in flat] == sorted(f"{39 - i:03d}" for i in range(0, 40, 2))


@pytest.mark.parametrize("limit", [1, 13, 1000])
def test_scan_pages_table_and_index(indexed: Any, limit: int) -> None:
    flat = [i for p in pages(indexed.scan, Limit=limit) for i in p]
    assert sorted(keys(flat)) == sorted((p, i) for p in "abc" for i in range(40))
    assert len(flat) == 120
    flat = [i for p in pages(indexed.scan, IndexName="by-g", Limit=limit) for i in p]
    assert sorted(keys(flat)) == sorted((p, i) for p in "abc" for i in range(0, 40, 2))


def test_scan_segments_partition_the_table(indexed: Any) -> None:
    seen: list[Any] = []
    for seg in range(4):
        seen += [i for p in pages(indexed.scan, Segment=seg, TotalSegments=4, Limit=9) for i in p]
    assert sorted(keys(seen)) == sorted((p, i) for p in "abc" for i in range(40))


def test_one_megabyte_page_limit(ddb: Any) -> None:
    make_table(ddb)
    big = "x" * 300_000
    for i in range(5):
        ddb.put_item(
            TableName="things", Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "b": {"S": big}}
        )
    first = ddb.query(
        TableName="things",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}},
    )
    assert first["Count"] == 4  # 4 x 300 KB crosses 1 MB
    assert first["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "3"}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"KeyConditionExpression": "sk = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            "Query condition missed key schema element: pk",
        ),
        (
            {"KeyConditionExpression": "pk > :v", "ExpressionAttributeValues": {":v": {"S": "1"}}},
            "Query key condition not supported",
        ),
        (
            {"KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            "One or more parameter values were invalid: Condition parameter type does not match "
            "schema type",
        ),
        (
            {
                "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "1"}},
                "IndexName": "nope",
            },
            "The table does not have the specified index: nope",
        ),
        (
            {
                "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "1"}},
                "Select": "COUNT",
                "ProjectionExpression": "pk",
            },
            "Cannot specify the ProjectionExpression when choosing to get only the Count",
        ),
        (
            {
                "KeyConditionExpression": "pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "1"}},
                "ExclusiveStartKey": {"pk": {"S": "1"}},
            },
            "The provided starting key is invalid: The provided key element does not match the "
            "schema",
        ),
    ],
)
def test_query_validation(ddb: Any, table: str, kwargs: Any, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.query(TableName=table, **kwargs)
    assert error(exc) == ("ValidationException", message)


def test_scan_segment_validation(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.scan(TableName=table, Segment=4, TotalSegments=4)
    assert error(exc) == (
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 4",
    )


def test_legacy_key_conditions_and_filters(indexed: Any) -> None:
    got = indexed.query(
        TableName="things",
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
            "sk": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "6"}]},
        },
        QueryFilter={"g": {"ComparisonOperator": "NOT_NULL"}},
        AttributesToGet=["pk", "sk"],
    )
    assert got["Items"] == [{"pk": {"S": "a"}, "sk": {"N": str(i)}} for i in (0, 2, 4)]
    scanned = indexed.scan(
        TableName="things",
        ScanFilter={
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "3"}, {"N": "4"}]}
        },
    )
    assert scanned["Count"] == 6
