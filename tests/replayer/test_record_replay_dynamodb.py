"""End to end: a DynamoDB workload recorded by `awsrec record` from moto, replayed by `serve`.

Strict mode must answer every request like the recording (equal after normalisation: status,
contract headers, parsed body), except where moto contradicts the DynamoDB API reference; the
model follows AWS there, and each such field is listed below with the page that says so. The
default mode must run the same workload with other keys.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path
from typing import Any

import pytest

from awsrec.aws.protocol import is_contract_header
from awsrec.cassette import Response
from awsrec.normalize import Normaliser
from tests.replayer.conftest import ServeFactory, admin, ddb_client
from tests.support.record_replay import (
    Recording,
    Workload,
    assert_strict_replay,
    flatten,
    sources,
)
from tests.support.servers import reset_moto

# The workload runs as its own process (under `awsrec record`, then against `awsrec serve`).
# It checks DynamoDB's answers itself; record_replay wraps it with the capture of
# every raw response it parsed.
WORKLOAD = r"""
p, table = os.environ["WL_PREFIX"], os.environ["WL_TABLE"]

# One attempt: a retry (e.g. on an x-amz-crc32 mismatch) would be a second, unrecorded request
# in strict mode and hide the cause. The CRC is checked by test_bodies_carry_their_crc32.
retries = {"total_max_attempts": 1, "mode": "standard"}
ddb = boto3.client("dynamodb", config=Config(retries=retries))
ddb.meta.events.register("before-parse", on_parse)
S = lambda v: {"S": v}
N = lambda v: {"N": str(v)}

ddb.create_table(
    TableName=table,
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
               {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                          {"AttributeName": "sk", "AttributeType": "N"},
                          {"AttributeName": "g", "AttributeType": "S"}],
    GlobalSecondaryIndexes=[{
        "IndexName": "by-g",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": "ALL"},
    }],
    BillingMode="PAY_PER_REQUEST",
)
desc = ddb.describe_table(TableName=table)["Table"]
assert desc["ItemCount"] == 0 and desc["GlobalSecondaryIndexes"][0]["IndexName"] == "by-g"

def item(k):
    return {"pk": S(f"{p}a"), "sk": N(k), "g": S(f"{p}g{k % 2}"), "v": N(k * 10)}

ddb.put_item(TableName=table, Item=item(0))
ddb.put_item(TableName=table, Item=item(1), ConditionExpression="attribute_not_exists(pk)")
expect_error("ConditionalCheckFailedException", ddb.put_item, TableName=table, Item=item(1),
             ConditionExpression="attribute_not_exists(pk)")
puts = [{"PutRequest": {"Item": item(k)}} for k in range(2, 12)]
ddb.batch_write_item(RequestItems={table: puts})
got = ddb.get_item(TableName=table, Key={"pk": S(f"{p}a"), "sk": N(3)})["Item"]
assert got == item(3), got
upd = ddb.update_item(
    TableName=table, Key={"pk": S(f"{p}a"), "sk": N(3)},
    UpdateExpression="SET v = v + :one, tags = :tags", ConditionExpression="attribute_exists(pk)",
    ExpressionAttributeValues={":one": N(1), ":tags": {"SS": ["x"]}}, ReturnValues="ALL_NEW",
)["Attributes"]
assert upd["v"] == N(31), upd
expect_error("ConditionalCheckFailedException", ddb.update_item, TableName=table,
             Key={"pk": S(f"{p}a"), "sk": N(4)}, UpdateExpression="SET v = :v",
             ConditionExpression="v > :v", ExpressionAttributeValues={":v": N(1000)})

def pages(**kw):
    seen, start = [], None
    while True:
        if start:
            kw["ExclusiveStartKey"] = start
        out = ddb.query(TableName=table, **kw)
        seen += [int(i["sk"]["N"]) for i in out["Items"]]
        start = out.get("LastEvaluatedKey")
        if not start:
            return seen

assert pages(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S(f"{p}a")},
             Limit=5) == list(range(12))
assert pages(IndexName="by-g", KeyConditionExpression="g = :g AND sk > :s",
             ExpressionAttributeValues={":g": S(f"{p}g0"), ":s": N(2)}, Limit=3) == [4, 6, 8, 10]
keys = [{"pk": S(f"{p}a"), "sk": N(k)} for k in (0, 5, 99)]
batch = ddb.batch_get_item(RequestItems={table: {"Keys": keys}})["Responses"][table]
assert sorted(int(i["sk"]["N"]) for i in batch) == [0, 5], batch
ddb.transact_write_items(
    TransactItems=[
        {"Put": {"TableName": table, "Item": item(20)}},
        {"Update": {"TableName": table, "Key": {"pk": S(f"{p}a"), "sk": N(0)},
                    "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": N(7)}}},
        {"ConditionCheck": {"TableName": table, "Key": {"pk": S(f"{p}a"), "sk": N(1)},
                            "ConditionExpression": "attribute_exists(v)"}},
    ],
    ClientRequestToken="workload-transaction-1",
)
gone = ddb.delete_item(TableName=table, Key={"pk": S(f"{p}a"), "sk": N(20)},
                       ReturnValues="ALL_OLD")["Attributes"]
assert gone == item(20), gone
ddb.delete_table(TableName=table)
"""
OPERATIONS = [
    "CreateTable",
    "DescribeTable",
    *["PutItem"] * 3,
    "BatchWriteItem",
    "GetItem",
    *["UpdateItem"] * 2,
    *["Query"] * 3,  # 12 items, Limit 5
    # 4 matches in the index, Limit 3. (With Limit 2 DynamoDB ends page 2 with a
    # LastEvaluatedKey and answers a third, empty page; moto does not. The model follows AWS:
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
    # "If LastEvaluatedKey is not empty, it does not necessarily mean that there is more data".)
    *["Query"] * 2,
    "BatchGetItem",
    "TransactWriteItems",
    "DeleteItem",
    "DeleteTable",
]
RECORDED = {"prefix": "alpha-", "table": "rr-contract-table"}
_NUMBERED = re.compile(r"<([a-z][a-z0-9-]*):\d+>")

# Where moto's answer contradicts the DynamoDB API reference, the model follows AWS. Fields
# matching (operation, body path) are left out of the strict comparison; the model's own values
# are checked in test_model_keeps_aws_values_where_moto_differs.
MOTO_DEVIATIONS = [
    # CreateTable answers CREATING and DeleteTable DELETING; moto answers ACTIVE.
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html
    ("CreateTable", r"TableDescription\.(TableStatus|GlobalSecondaryIndexes\.\d+\.IndexStatus)"),
    ("DeleteTable", r"TableDescription\.TableStatus"),
    # moto leaves out TableId, a GSI's IndexArn, IndexSizeBytes, ItemCount and
    # NumberOfDecreasesToday, and BillingModeSummary.LastUpdateToPayPerRequestDateTime.
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GlobalSecondaryIndexDescription.html
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BillingModeSummary.html
    (".*Table", r"\w+\.TableId"),
    (
        ".*Table",
        r"\w+\.GlobalSecondaryIndexes\.\d+\.(IndexArn|IndexSizeBytes|ItemCount|"
        r"ProvisionedThroughput\.NumberOfDecreasesToday)",
    ),
    (".*Table", r"\w+\.BillingModeSummary\.LastUpdateToPayPerRequestDateTime"),
    # moto sends "LocalSecondaryIndexes": [] for a table that has none; AWS leaves it out.
    (".*Table", r"\w+\.LocalSecondaryIndexes"),
    # "DynamoDB updates this value approximately every six hours" (API_TableDescription):
    # moto reports 0 after 12 writes, the model the current size.
    ("DeleteTable", r"TableDescription\.TableSizeBytes"),
    # moto answers ConsumedCapacity and ItemCollectionMetrics unasked; AWS returns them only
    # for ReturnConsumedCapacity TOTAL/INDEXES and ReturnItemCollectionMetrics SIZE.
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
    (".*", r"(ConsumedCapacity|ItemCollectionMetrics)(\..*)?"),
]
# moto answers errors as application/json; DynamoDB as application/x-amz-json-1.0.
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
ERROR_CONTENT_TYPE = "application/x-amz-json-1.0"


WL = Workload(
    WORKLOAD, OPERATIONS, lambda names: {"WL_PREFIX": names["prefix"], "WL_TABLE": names["table"]}
)


@pytest.fixture(scope="module")
def recording(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """The workload recorded once from a fresh moto server by the real recorder."""
    reset_moto(moto_url)
    return WL.record(moto_url, tmp_path_factory.mktemp("record-ddb"), RECORDED)


def _comparable(response: Response, operation: str, normaliser: Normaliser) -> dict[str, Any]:
    """Status, contract headers and flattened body after normalisation (numbers unnumbered)."""
    norm = normaliser.normalise_response("dynamodb", operation, response)
    headers = {
        k.lower(): _NUMBERED.sub(r"<\1>", v)
        for k, v in norm.headers
        if is_contract_header("dynamodb", k) and k.lower() != "x-amz-crc32"
    }
    if norm.status >= 400:
        headers.pop("content-type", None)  # see ERROR_CONTENT_TYPE
    text = _NUMBERED.sub(r"<\1>", norm.body.decode())
    body = {k: v for k, v in flatten(json.loads(text) if text else {}).items() if k or v}
    for op, pattern in MOTO_DEVIATIONS:
        if re.fullmatch(op, operation):
            body = {k: v for k, v in body.items() if not re.fullmatch(pattern, k)}
    return {"status": norm.status, "headers": headers, "body": body}


def test_strict_replay_answers_every_request_like_the_recording(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path], strict=True)
    captured = WL.run(tmp_path, RECORDED, server.url)
    assert_strict_replay(server.url, recording, captured, _comparable)


def test_model_keeps_aws_values_where_moto_differs(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path], strict=True)
    captured = WL.run(tmp_path, RECORDED, server.url)
    bodies = [json.loads(base64.b64decode(c["body"]) or b"{}") for c in captured]
    by_op = dict(zip(OPERATIONS, bodies, strict=True))
    made, gone = by_op["CreateTable"]["TableDescription"], by_op["DeleteTable"]["TableDescription"]
    assert (made["TableStatus"], gone["TableStatus"]) == ("CREATING", "DELETING")
    assert made["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    assert len(made["TableId"]) == 36
    assert gone["TableId"] == made["TableId"]
    gsi = by_op["DescribeTable"]["Table"]["GlobalSecondaryIndexes"][0]
    assert gsi["IndexArn"].endswith(":table/rr-contract-table/index/by-g")
    assert "LocalSecondaryIndexes" not in by_op["DescribeTable"]["Table"]
    assert gone["TableSizeBytes"] > 0
    assert gone["ItemCount"] == 12
    for op, body in zip(OPERATIONS, bodies, strict=True):
        assert "ConsumedCapacity" not in body, op
        assert "ItemCollectionMetrics" not in body, op
    errors = [c for c in captured if c["status"] >= 400]
    assert len(errors) == 2
    for c in errors:
        assert dict((k.lower(), v) for k, v in c["headers"])["content-type"] == ERROR_CONTENT_TYPE


def test_bodies_carry_their_crc32(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    # DynamoDB signs every body with x-amz-crc32; SDKs retry (legacy mode) or fail on a mismatch.
    server = serve_factory(cassettes=[recording.path])
    captured = WL.run(tmp_path, RECORDED, server.url)
    wrong = []
    for c in captured:
        headers = {k.lower(): v for k, v in c["headers"]}
        body = base64.b64decode(c["body"])
        if headers.get("x-amz-crc32") != str(zlib.crc32(body)):
            wrong.append((c["operation"], headers.get("x-amz-crc32"), zlib.crc32(body)))
    assert not wrong


def test_default_mode_runs_the_workload_with_other_keys(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path])
    other = {"prefix": "omega-other-", "table": "rr-contract-table"}
    captured = WL.run(tmp_path, other, server.url)
    assert [c["operation"] for c in captured] == OPERATIONS
    # Every operation and outcome was recorded: the model decides, the recording gives form.
    assert sources(captured) == ["recording"] * len(OPERATIONS)
    # A table the cassette never saw is the model's alone.
    ddb = ddb_client(server.url)
    assert ddb.list_tables()["TableNames"] == []
    status, journal = admin(server.url, "journal")
    assert status == 200
    assert [e["operation"] for e in journal][: len(OPERATIONS)] == OPERATIONS
