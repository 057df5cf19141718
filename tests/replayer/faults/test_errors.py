"""Injected AWS errors: real codes and formats, and boto3's retry logic getting through them."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import raw, signed_for
from tests.replayer.faults.conftest import Faulty, boto, injected

SLOWDOWN_FIRST_TWO = """\
rules:
  - id: slowdown
    match: {service: s3, operation: PutObject}
    when: {first: 2}
    do: {error: {code: SlowDown, retry_after: 1}}
"""


def test_slowdown_is_retried_by_boto3_and_succeeds_after_the_configured_count(
    faulty: Faulty,
) -> None:
    server = faulty(SLOWDOWN_FIRST_TWO)
    s3 = boto("s3", server.url, attempts=3)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"hello")
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"hello"
    assert injected(server.url) == [
        ("CreateBucket", []),
        ("PutObject", ["slowdown"]),
        ("PutObject", ["slowdown"]),
        ("PutObject", []),
        ("GetObject", []),
    ]


def test_slowdown_without_enough_retries_surfaces_as_slowdown(faulty: Faulty) -> None:
    server = faulty(SLOWDOWN_FIRST_TWO)
    s3 = boto("s3", server.url, attempts=2)
    s3.create_bucket(Bucket="bkt")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="bkt", Key="k", Body=b"hello")
    err = caught.value.response
    assert err["Error"]["Code"] == "SlowDown"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert err["ResponseMetadata"]["RetryAttempts"] == 1
    # The injected error pre-empted the write: nothing was stored.
    assert boto("s3", server.url).list_objects_v2(Bucket="bkt")["KeyCount"] == 0


def test_slowdown_wire_form_is_s3s(faulty: Faulty) -> None:
    # https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
    server = faulty(SLOWDOWN_FIRST_TWO)
    status, headers, body = raw(server.url, "PUT", "/bkt/k", signed_for("s3"), b"x")
    names = {k.lower(): v for k, v in headers}
    assert status == 503
    assert names["retry-after"] == "1"
    assert names["content-type"] == "application/xml"
    assert names["x-awsrec-source"] == "fault"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>')
    assert b"<Message>Please reduce your request rate.</Message>" in body
    assert names["x-amz-request-id"].encode() in body


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("RequestLimitExceeded", 400),
        ("InternalServerError", 500),
    ],
)
def test_dynamodb_errors_in_json_form(faulty: Faulty, code: str, status: int) -> None:
    server = faulty(
        f"""\
        - match: {{service: dynamodb, operation: ListTables}}
          do: {{error: {code}}}
        """
    )
    with pytest.raises(ClientError) as caught:
        boto("dynamodb", server.url).list_tables()
    err = caught.value.response
    assert (err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]) == (code, status)


def test_throttled_dynamodb_write_is_retried_and_written(faulty: Faulty) -> None:
    server = faulty(
        """\
        - id: throttle
          match: {service: dynamodb, operation: PutItem, table: "orders*"}
          when: {nth: 1}
          do: {error: ProvisionedThroughputExceededException}
        """
    )
    ddb = boto("dynamodb", server.url, attempts=2)
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
    assert ddb.get_item(TableName="orders", Key={"id": {"S": "1"}})["Item"] == {"id": {"S": "1"}}
    assert ("PutItem", ["throttle"]) in injected(server.url)


def test_lambda_too_many_requests_is_429(faulty: Faulty) -> None:
    # https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
    server = faulty(
        """\
        - match: {service: lambda, function: "fn-*"}
          do: {error: {code: TooManyRequestsException, retry_after: 3}}
        """
    )
    with pytest.raises(ClientError) as caught:
        boto("lambda", server.url).invoke(FunctionName="fn-1")
    err = caught.value.response
    assert err["Error"]["Code"] == "TooManyRequestsException"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert err["retryAfterSeconds"] == "3"  # botocore parses the Retry-After header member


def test_match_on_bucket_key_method_and_header(faulty: Faulty) -> None:
    server = faulty(
        """\
        - id: only-these
          match: {service: s3, bucket: "logs-*", key: "*.gz", method: put,
                  headers: {content-type: "application/*"}}
          do: {error: InternalError}
        """
    )
    s3 = boto("s3", server.url)
    for bucket in ("logs-1", "data"):
        s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket="data", Key="a.gz", Body=b"x", ContentType="application/gzip")
    s3.put_object(Bucket="logs-1", Key="a.txt", Body=b"x", ContentType="application/gzip")
    s3.put_object(Bucket="logs-1", Key="b.gz", Body=b"x", ContentType="text/plain")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket="logs-1", Key="c.gz", Body=b"x", ContentType="application/gzip")
    assert caught.value.response["Error"]["Code"] == "InternalError"
    assert [ids for _, ids in injected(server.url)].count(["only-these"]) == 1
