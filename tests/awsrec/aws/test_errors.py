"""Errors rendered per protocol parse back through botocore's own parsers (and real clients)."""

from __future__ import annotations

import json
import zlib

import pytest
from botocore.exceptions import ClientError

from awsrec.aws import botocore_adapter
from awsrec.aws.errors import AwsError, error_status, render_error
from tests.awsrec.aws.conftest import client
from tests.awsrec.aws.probe import _ProbeServer

CASES = [
    (
        "s3",
        "GetObject",
        AwsError("NoSuchKey", "The specified key does not exist.", extra={"Key": "a<&>b"}),
        404,
    ),
    ("s3", "PutObject", AwsError("SlowDown", "Please reduce your request rate."), 503),
    ("s3", "GetObject", AwsError("InvalidRange", "The requested range is not satisfiable"), 416),
    (
        "dynamodb",
        "PutItem",
        AwsError("ConditionalCheckFailedException", "The conditional request failed"),
        400,
    ),
    (
        "dynamodb",
        "GetItem",
        AwsError("ResourceNotFoundException", "Requested resource not found"),
        400,
    ),
    ("dynamodb", "GetItem", AwsError("InternalServerError", "Internal server error"), 500),
    ("dynamodb", "GetItem", AwsError("ValidationException", "1 validation error detected"), 400),
    (
        "lambda",
        "GetFunction",
        AwsError(
            "ResourceNotFoundException",
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn",
        ),
        404,
    ),
    ("lambda", "Invoke", AwsError("TooManyRequestsException", "Rate Exceeded."), 429),
    ("lambda", "CreateFunction", AwsError("InvalidParameterValueException", "bad role"), 400),
    (
        "sts",
        "GetCallerIdentity",
        AwsError("InvalidClientTokenId", "The security token included in the request is invalid."),
        403,
    ),
    ("sts", "AssumeRoleWithWebIdentity", AwsError("IDPRejectedClaim", "nope"), 403),
]


@pytest.mark.parametrize(("service", "operation", "error", "status"), CASES)
def test_rendered_error_parses_with_botocore(
    service: str, operation: str, error: AwsError, status: int
) -> None:
    got_status, headers, body = render_error(service, error, request_id="REQ-1")
    assert got_status == status
    parsed = botocore_adapter.parse_response(service, operation, got_status, headers, body)
    assert parsed["Error"]["Code"] == error.code
    assert parsed["Error"]["Message"] == error.message
    assert parsed["ResponseMetadata"]["RequestId"] == "REQ-1"
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status


def test_s3_error_layout_and_extra_elements() -> None:
    error = AwsError("NoSuchKey", "The specified key does not exist.", extra={"Key": "a&b"})
    status, headers, body = render_error("s3", error, request_id="R", host_id="H")
    assert body == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
        b"<Message>The specified key does not exist.</Message><Key>a&amp;b</Key>"
        b"<RequestId>R</RequestId><HostId>H</HostId></Error>"
    )
    assert ("x-amz-request-id", "R") in headers
    assert ("x-amz-id-2", "H") in headers
    parsed = botocore_adapter.parse_response("s3", "GetObject", status, headers, body)
    assert parsed["Error"]["Key"] == "a&b"
    head_status, _, head_body = render_error("s3", error, request_id="R", head=True)
    assert (head_status, head_body) == (404, b"")


def test_dynamodb_message_casing_follows_the_model_and_crc32_is_sent() -> None:
    _, headers, body = render_error(
        "dynamodb",
        AwsError(
            "TransactionCanceledException",
            "Transaction cancelled",
            extra={"CancellationReasons": [{"Code": "None"}]},
        ),
        request_id="R",
    )
    payload = json.loads(body)
    assert list(payload) == ["__type", "Message", "CancellationReasons"]
    assert payload["__type"] == "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"
    assert ("x-amz-crc32", str(zlib.crc32(body))) in headers
    _, _, body = render_error(
        "dynamodb", AwsError("ConditionalCheckFailedException", "m"), request_id="R"
    )
    assert list(json.loads(body)) == ["__type", "message"]


def test_lambda_error_type_header() -> None:
    _, headers, body = render_error(
        "lambda", AwsError("ResourceNotFoundException", "nf"), request_id="R"
    )
    assert ("x-amzn-ErrorType", "ResourceNotFoundException") in headers
    assert json.loads(body) == {"Type": "User", "Message": "nf"}


def test_error_status_from_model_and_docs() -> None:
    assert error_status("s3", "NoSuchBucket") == 404  # model error shape
    assert error_status("s3", "PreconditionFailed") == 412  # S3 error code list
    assert error_status("lambda", "ResourceConflictException") == 409
    assert error_status("sts", "MalformedPolicyDocument") == 400  # shape's wire code
    assert error_status("dynamodb", "NoSuchThing") is None
    assert AwsError("NoSuchThing", "x").status_for("dynamodb") == 400
    assert AwsError("NoSuchKey", "x", status=418).status_for("s3") == 418


@pytest.mark.parametrize(
    ("service", "call", "params"),
    [
        ("s3", "get_object", {"Bucket": "b-1", "Key": "k"}),
        ("dynamodb", "get_item", {"TableName": "t", "Key": {"k": {"S": "v"}}}),
        ("lambda", "get_function", {"FunctionName": "fn"}),
        ("sts", "get_caller_identity", {}),
    ],
)
def test_real_clients_raise_the_rendered_error(
    probe: _ProbeServer, service: str, call: str, params: dict[str, object]
) -> None:
    with pytest.raises(ClientError) as info:
        getattr(client(service, probe), call)(**params)
    assert info.value.response["Error"]["Code"] == "AwsrecProbe"
    assert info.value.response["ResponseMetadata"]["RequestId"] == "probe-1"
