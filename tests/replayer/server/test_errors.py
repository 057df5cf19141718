from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import ServeFactory, raw, s3_client, signed_for

BOOM = {"s3": "tests.replayer.server.models:BoomS3"}


def test_model_exception_is_internal_error_500_and_server_keeps_serving(
    serve_factory: ServeFactory,
) -> None:
    s3 = s3_client(serve_factory(models=BOOM).url)
    for _ in range(2):
        with pytest.raises(ClientError) as info:
            s3.list_buckets()
        err = info.value.response
        assert err["Error"]["Code"] == "InternalError"
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert "Traceback" not in err["Error"]["Message"]
    assert s3.head_bucket(Bucket="still-serving")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_request_for_no_known_service_is_aws_shaped_400(served: str) -> None:
    status, headers, body = raw(served, "GET", "/what/is/this")
    assert status == 400
    assert b"<Code>InvalidRequest</Code>" in body
    assert dict(headers)["x-amz-request-id"]


def test_unknown_dynamodb_target_is_unknown_operation_400(served: str) -> None:
    headers = {**signed_for("dynamodb"), "X-Amz-Target": "DynamoDB_20120810.NoSuchThing"}
    headers["Content-Type"] = "application/x-amz-json-1.0"
    status, _, body = raw(served, "POST", "/", headers, b"{}")
    assert status == 400
    assert json.loads(body)["__type"].endswith("#UnknownOperationException")


def test_undecodable_path_is_aws_shaped_400(served: str) -> None:
    status, _, body = raw(served, "GET", "/bucket/%ff%fe", signed_for("s3"))
    assert status == 400
    assert body.startswith(b"<?xml")
    assert b"<Code>" in body


def test_unmatched_s3_method_is_aws_shaped_400(served: str) -> None:
    status, _, body = raw(served, "PATCH", "/bucket", signed_for("s3"))
    assert status == 400
    assert b"<Code>InvalidRequest</Code>" in body
