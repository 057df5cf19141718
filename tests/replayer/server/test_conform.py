from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import (
    ServeFactory,
    ddb_client,
    interaction,
    raw,
    s3_client,
    signed_for,
    write_cassette,
)

MODELS = {
    "s3": "tests.replayer.server.models:BoomS3",
    "dynamodb": "tests.replayer.server.models:JsonDdb",
}
HEAD_BUCKET_HEADERS = [
    ("x-amz-id-2", "<host-id:1>"),
    ("x-amz-request-id", "<request-id:1>"),
    ("Date", "<date>"),
    ("x-amz-bucket-region", "eu-west-1"),
    ("x-amz-access-point-alias", "false"),
    ("Content-Type", "application/xml"),
    ("Server", "AmazonS3"),
]
# https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html: Code, Message, then the
# resource, RequestId and HostId.
NO_SUCH_BUCKET = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code>'
    b"<Message>The specified bucket does not exist</Message><BucketName>gone</BucketName>"
    b"<RequestId>&lt;request-id:1&gt;</RequestId><HostId>&lt;host-id:1&gt;</HostId></Error>"
)
DDB_HEADERS = [
    ("Server", "Server"),
    ("Date", "<date>"),
    ("Content-Type", "application/x-amz-json-1.0"),
    ("Content-Length", "140"),
    ("Connection", "keep-alive"),
    ("x-amzn-RequestId", "<request-id:1>"),
    ("x-amz-crc32", "1234"),
]


def ddb_request(target: str, body: dict[str, object]) -> tuple[str, str, list, list, bytes]:
    headers = [("X-Amz-Target", f"DynamoDB_20120810.{target}")]
    headers.append(("Content-Type", "application/x-amz-json-1.0"))
    return ("POST", "/", [], headers, json.dumps(body).encode())


@pytest.fixture
def conform_url(serve_factory: ServeFactory, tmp_path: Path) -> str:
    limits = {
        "TableMaxReadCapacityUnits": 1,
        "TableMaxWriteCapacityUnits": 2,
        "AccountMaxReadCapacityUnits": 3,
        "AccountMaxWriteCapacityUnits": 4,
    }
    not_found = {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found: Table: orders not found",
    }
    err_headers = [
        ("x-amzn-RequestId", "<request-id:2>"),
        ("Content-Type", "application/x-amz-json-1.0"),
    ]
    location_headers = [*HEAD_BUCKET_HEADERS[:3], ("Content-Type", "application/xml")]
    items = [
        interaction(
            1, "s3", "HeadBucket", ("HEAD", "/b", [], [], b""), (200, HEAD_BUCKET_HEADERS, b"")
        ),
        interaction(
            2, "s3", "GetBucketLocation", ("GET", "/gone", [("location", "")], [], b""),
            (404, location_headers, NO_SUCH_BUCKET),
        ),
        interaction(
            3, "dynamodb", "DescribeLimits", ddb_request("DescribeLimits", {}),
            (200, DDB_HEADERS, json.dumps(limits).encode()),
        ),
        interaction(
            4, "dynamodb", "DescribeTable",
            ddb_request("DescribeTable", {"TableName": "orders"}),
            (400, err_headers, json.dumps(not_found).encode()),
        ),
    ]  # fmt: skip
    cassette = write_cassette(tmp_path / "form.awsrec", items)
    return serve_factory(cassettes=[cassette], models=MODELS).url


def test_header_set_and_order_come_from_the_recording(conform_url: str) -> None:
    status, headers, _ = raw(conform_url, "HEAD", "/b", signed_for("s3"))
    assert status == 200
    # Order is the recording's; uvicorn writes header names in lower case on the wire.
    names = [name for name, _ in headers]
    assert names == [
        "x-amz-id-2",
        "x-amz-request-id",
        "date",
        "x-amz-bucket-region",
        "x-amz-access-point-alias",
        "content-type",
        "server",
        "x-awsrec-source",
    ]
    values = {name.lower(): value for name, value in headers}
    # State-dependent values are the model's; volatile ones are fresh.
    assert values["x-amz-bucket-region"] == "us-east-1"
    assert values["x-awsrec-source"] == "recording"
    assert "<" not in values["x-amz-request-id"]
    assert values["date"].endswith(" GMT")


def test_error_wording_comes_from_the_recording(conform_url: str) -> None:
    with pytest.raises(ClientError) as info:
        s3_client(conform_url).get_bucket_location(Bucket="missing")
    err = info.value.response
    assert err["Error"]["Code"] == "NoSuchBucket"
    assert err["Error"]["Message"] == "The specified bucket does not exist"
    assert err["Error"]["BucketName"] == "missing"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert err["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "recording"


def test_outcome_without_recording_is_the_models_rendering(conform_url: str) -> None:
    resp = s3_client(conform_url).get_bucket_location(Bucket="here")
    assert resp["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "model"


def test_json_key_order_comes_from_the_recording(conform_url: str) -> None:
    headers = {**signed_for("dynamodb"), "X-Amz-Target": "DynamoDB_20120810.DescribeLimits"}
    headers["Content-Type"] = "application/x-amz-json-1.0"
    status, resp_headers, body = raw(conform_url, "POST", "/", headers, b"{}")
    assert status == 200
    assert list(json.loads(body)) == [
        "TableMaxReadCapacityUnits",
        "TableMaxWriteCapacityUnits",
        "AccountMaxReadCapacityUnits",
        "AccountMaxWriteCapacityUnits",
    ]
    assert json.loads(body)["TableMaxReadCapacityUnits"] == 40000  # the model's values
    names = [n.lower() for n, _ in resp_headers]
    assert "connection" not in names  # hop-by-hop headers are the server's own
    assert names.index("server") < names.index("date") < names.index("x-amzn-requestid")
    assert "x-amz-crc32" not in names  # state-dependent and the model gave none


def test_resource_specific_recorded_wording_is_not_reused(conform_url: str) -> None:
    with pytest.raises(ClientError) as info:
        ddb_client(conform_url).describe_table(TableName="other")
    err = info.value.response
    assert err["Error"]["Code"] == "ResourceNotFoundException"
    # The recorded message names table "orders": the model's own message is kept.
    assert err["Error"]["Message"] == "Requested resource not found: other"
    assert err["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "recording"


def test_reordered_dynamodb_body_carries_its_own_crc32(
    serve_factory: ServeFactory, tmp_path: Path
) -> None:
    # botocore checks x-amz-crc32 and retries on a mismatch, so a stale checksum after the
    # recorded layout reorders the body would make the model see every write twice.
    recorded = {"AccountMaxWriteCapacityUnits": 4, "TableMaxReadCapacityUnits": 1}
    item = interaction(
        1, "dynamodb", "DescribeLimits", ddb_request("DescribeLimits", {}),
        (200, DDB_HEADERS, json.dumps(recorded).encode()),
    )  # fmt: skip
    url = serve_factory(cassettes=[write_cassette(tmp_path / "crc.awsrec", [item])]).url
    headers = {**signed_for("dynamodb"), "X-Amz-Target": "DynamoDB_20120810.DescribeLimits"}
    headers["Content-Type"] = "application/x-amz-json-1.0"
    status, resp_headers, body = raw(url, "POST", "/", headers, b"{}")
    assert status == 200
    assert list(json.loads(body))[0] == "AccountMaxWriteCapacityUnits"  # the recorded order
    values = {name.lower(): value for name, value in resp_headers}
    assert values["x-awsrec-source"] == "recording"
    assert values["x-amz-crc32"] == str(zlib.crc32(body))


def test_user_data_bodies_are_never_re_laid_out(
    serve_factory: ServeFactory, tmp_path: Path
) -> None:
    # An object's bytes are the user's: a recorded GetObject of a JSON document with other key
    # order must not reorder what a later GetObject returns (its ETag would no longer match).
    recorded = b'{"b": 1, "a": 2}'
    get = interaction(
        1, "s3", "GetObject", ("GET", "/data/recorded.json", [], [], b""),
        (200, [("Content-Type", "application/json"), ("ETag", '"x"')], recorded),
    )  # fmt: skip
    url = serve_factory(cassettes=[write_cassette(tmp_path / "get.awsrec", [get])]).url
    s3 = s3_client(url)
    s3.create_bucket(Bucket="fresh")
    mine = b'{"a": 1, "b": 2, "c": [3]}'
    s3.put_object(Bucket="fresh", Key="mine.json", Body=mine, ContentType="application/json")
    resp = s3.get_object(Bucket="fresh", Key="mine.json")
    assert resp["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "recording"
    assert resp["Body"].read() == mine
