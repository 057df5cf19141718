from __future__ import annotations

import json
import zlib

from awsrec.cassette import Interaction, Request, Response
from awsrec.normalize import Normaliser
from tests.awsrec.normalize.wire import client

KEY = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def test_describe_table_from_a_real_exchange(moto: str) -> None:
    ddb, rec = client("dynamodb", moto)
    ddb.create_table(TableName="orders", **KEY)
    ddb.describe_table(TableName="orders")
    n = Normaliser()
    create, describe = (n.normalise(i) for i in rec.interactions)
    before = json.loads(rec.interactions[1].response.body)["Table"]
    after = json.loads(describe.response.body)["Table"]

    assert after["CreationDateTime"] == "<timestamp:epoch-frac>"
    assert after["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/orders"
    # Everything else is state, kept as it was, in the same order.
    untouched = {k: v for k, v in before.items() if k not in ("CreationDateTime", "TableArn")}
    assert {k: after[k] for k in untouched} == untouched
    assert list(after) == list(before)
    assert describe.response.header("x-amz-crc32") == "<crc32>"
    assert describe.response.header("Content-Length") == str(len(describe.response.body))
    # Both interactions share the table's placeholders.
    assert json.loads(create.response.body)["TableDescription"]["TableArn"] == after["TableArn"]
    assert describe.request.body == b'{"TableName": "orders"}'


# The shape of AWS's answer: compact JSON, epoch seconds in E-notation, a TableId.
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
AWS_DESCRIBE_TABLE = (
    b'{"Table":{"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],'
    b'"BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST",'
    b'"LastUpdateToPayPerRequestDateTime":1.732177944123E9},'
    b'"CreationDateTime":1.732177944123E9,"DeletionProtectionEnabled":false,'
    b'"ItemCount":0,"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],'
    b'"LatestStreamArn":"arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/'
    b'2024-11-21T08:32:24.123","LatestStreamLabel":"2024-11-21T08:32:24.123",'
    b'"ProvisionedThroughput":{"NumberOfDecreasesToday":0,"ReadCapacityUnits":0,'
    b'"WriteCapacityUnits":0},"TableArn":"arn:aws:dynamodb:us-east-1:123456789012:table/orders",'
    b'"TableId":"e3d1c8d4-71f6-4a4e-a5c4-5c5b0b7e6c31","TableName":"orders",'
    b'"TableSizeBytes":0,"TableStatus":"ACTIVE"}}'
)


def _exchange(operation: str, body: bytes) -> Interaction:
    headers = [
        ("x-amzn-RequestId", "QK8S2S4ENLNEE7D2QF9S8KUSDBVV4KQNSO5AEMVJF66Q9ASUAAJG"),
        ("x-amz-crc32", str(zlib.crc32(body))),
        ("Content-Type", "application/x-amz-json-1.0"),
        ("Content-Length", str(len(body))),
    ]
    target = [("X-Amz-Target", f"DynamoDB_20120810.{operation}")]
    return Interaction(
        0,
        "dynamodb",
        operation,
        Request("POST", "/", [], target, b"{}"),
        Response(200, headers, body),
    )


def test_aws_shaped_describe_table() -> None:
    out = Normaliser().normalise(_exchange("DescribeTable", AWS_DESCRIBE_TABLE))
    table = json.loads(out.response.body)["Table"]
    assert table["TableId"] == "<uuid:1>"
    assert table["CreationDateTime"] == "<timestamp:epoch-frac>"
    assert table["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] == (
        "<timestamp:epoch-frac>"
    )
    assert table["LatestStreamLabel"] == "<timestamp:iso8601-ms>"
    assert table["LatestStreamArn"] == (
        "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/<timestamp:iso8601-ms>"
    )
    assert out.response.header("x-amzn-RequestId") == "<request-id:1>"
    # Compact layout kept: no spaces were introduced.
    assert b'":"' in out.response.body
    assert b'": "' not in out.response.body
    assert b'"ItemCount":0,' in out.response.body


def test_item_data_is_not_taken_for_metadata() -> None:
    # Attribute values are typed maps, so an attribute named like a timestamp member is kept.
    body = (
        b'{"Item":{"pk":{"S":"a"},"CreationDateTime":{"N":"1732177944"},'
        b'"TableId":{"S":"e3d1c8d4-71f6-4a4e-a5c4-5c5b0b7e6c31"}}}'
    )
    out = Normaliser().normalise(_exchange("GetItem", body))
    assert out.response.body == body
    assert out.response.header("x-amz-crc32") == "<crc32>"


def test_same_request_id_twice_is_one_placeholder() -> None:
    n = Normaliser()
    first = n.normalise(_exchange("DescribeTable", AWS_DESCRIBE_TABLE))
    again = n.normalise(_exchange("DescribeTable", AWS_DESCRIBE_TABLE))
    other = _exchange("DescribeTable", AWS_DESCRIBE_TABLE)
    other.response.headers[0] = ("x-amzn-RequestId", "SOMETHINGELSE")
    third = n.normalise(other)
    assert first.response.header("x-amzn-RequestId") == "<request-id:1>"
    assert again.response.header("x-amzn-RequestId") == "<request-id:1>"
    assert third.response.header("x-amzn-RequestId") == "<request-id:2>"
    assert json.loads(third.response.body)["Table"]["TableId"] == "<uuid:1>"
