"""Service, region and S3 addressing detection from hosts, signatures, targets and paths."""

from __future__ import annotations

import pytest

from awsrec.aws.detect import detect_region, detect_service
from awsrec.aws.protocol import CONTRACT_HEADERS, is_contract_header, protocol_of
from awsrec.aws.s3_addressing import canonical_s3, virtual_bucket

AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKID/20240101/{region}/{service}/aws4_request, "
    "SignedHeaders=host, Signature=ab"
)


def _auth(service: str, region: str = "eu-west-1") -> list[tuple[str, str]]:
    return [("Authorization", AUTH.format(service=service, region=region))]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("s3", "s3"),
        ("s3express", "s3"),
        ("dynamodb", "dynamodb"),
        ("lambda", "lambda"),
        ("sts", "sts"),
        ("sqs", None),
    ],
)
def test_credential_scope_wins(scope: str, expected: str | None) -> None:
    # The host says dynamodb, the signature says otherwise: the signature decides.
    assert (
        detect_service("GET", "dynamodb.us-east-1.amazonaws.com", "/", [], _auth(scope)) == expected
    )


def test_presigned_credential_and_region() -> None:
    query = [
        ("X-Amz-Credential", "AKID/20240101/ap-south-1/s3/aws4_request"),
        ("X-Amz-Signature", "ab"),
    ]
    assert detect_service("GET", "127.0.0.1:4566", "/b/k", query, []) == "s3"
    assert detect_region("127.0.0.1:4566", [], query) == "ap-south-1"


@pytest.mark.parametrize(
    ("host", "path", "headers", "body", "expected"),
    [
        ("127.0.0.1:4566", "/", [("X-Amz-Target", "DynamoDB_20120810.Query")], b"", "dynamodb"),
        ("127.0.0.1:4566", "/", [("X-Amz-Target", "AmazonSQS.SendMessage")], b"", None),
        ("my-bucket.s3.eu-west-1.amazonaws.com", "/k", [], b"", "s3"),
        ("s3.amazonaws.com", "/b", [], b"", "s3"),
        ("s3-us-west-2.amazonaws.com", "/b", [], b"", "s3"),
        ("dynamodb.eu-central-1.amazonaws.com", "/", [], b"", "dynamodb"),
        ("lambda.us-west-2.amazonaws.com", "/2015-03-31/functions", [], b"", "lambda"),
        ("127.0.0.1:9000", "/2015-03-31/functions/fn/invocations", [], b"", "lambda"),
        ("127.0.0.1:9000", "/2021-10-31/functions/fn/url", [], b"", "lambda"),
        ("127.0.0.1:9000", "/2014-11-13/functions/fn/invoke-async/", [], b"", "lambda"),
        (
            "127.0.0.1:9000",
            "/",
            [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            b"Action=GetCallerIdentity&Version=2011-06-15",
            "sts",
        ),
        ("sts.amazonaws.com", "/", [], b"", "sts"),
        ("127.0.0.1:9000", "/", [("Authorization", "AWS AKID:c2ln")], b"", "s3"),
        ("127.0.0.1:9000", "/bucket", [], b"", None),
    ],
)
def test_detect_service_without_sigv4(
    host: str, path: str, headers: list[tuple[str, str]], body: bytes, expected: str | None
) -> None:
    assert detect_service("POST", host, path, [], headers, body) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("bucket.s3.us-west-2.amazonaws.com", "us-west-2"),
        ("s3.dualstack.ap-northeast-1.amazonaws.com", "ap-northeast-1"),
        ("s3-eu-west-1.amazonaws.com", "eu-west-1"),
        ("dynamodb.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
        ("s3.amazonaws.com", "us-east-1"),
        ("bucket.s3.amazonaws.com", "us-east-1"),
        ("sts.amazonaws.com", "us-east-1"),
        ("127.0.0.1:4566", None),
    ],
)
def test_region_from_host(host: str, expected: str | None) -> None:
    assert detect_region(host, [], []) == expected


def test_region_from_scope_beats_host() -> None:
    assert (
        detect_region("s3.us-west-2.amazonaws.com", _auth("s3", "eu-north-1"), []) == "eu-north-1"
    )


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        (
            "amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com",
            "/a/b%20c",
            ("/amzn-s3-demo-bucket/a/b%20c", "virtual"),
        ),
        ("amzn-s3-demo-bucket.s3.amazonaws.com", "/", ("/amzn-s3-demo-bucket", "virtual")),
        ("my.dotted.bucket.s3-us-west-2.amazonaws.com", "/k", ("/my.dotted.bucket/k", "virtual")),
        ("bk1.s3-accelerate.dualstack.amazonaws.com", "/k", ("/bk1/k", "virtual")),
        (
            "bucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
            "/k",
            ("/bucket--usw2-az1--x-s3/k", "virtual"),
        ),
        ("bk1.s3.localhost.localstack.cloud:4566", "/k", ("/bk1/k", "virtual")),
        ("bk1.localhost:4566", "/k", ("/bk1/k", "virtual")),
        ("bk1.127.0.0.1.nip.io:9000", "/", ("/bk1", "virtual")),
        ("s3.localhost.localstack.cloud:4566", "/bk1/k", ("/bk1/k", "path")),
        ("s3.us-east-1.amazonaws.com", "/bk1/k", ("/bk1/k", "path")),
        ("127.0.0.1:4566", "/bk1/k", ("/bk1/k", "path")),
        ("localhost:4566", "/bk1/k", ("/bk1/k", "path")),
        # WriteGetObjectResponse's host prefix is a request route, not a bucket.
        (
            "route-1.s3-object-lambda.us-east-1.amazonaws.com",
            "/WriteGetObjectResponse",
            ("/WriteGetObjectResponse", "path"),
        ),
        ("under_score.localhost", "/k", ("/k", "path")),  # not a valid bucket name
    ],
)
def test_canonical_s3(host: str, path: str, expected: tuple[str, str]) -> None:
    assert canonical_s3(host, path) == expected


def test_virtual_bucket_needs_a_valid_name() -> None:
    assert virtual_bucket("ab.localhost") is None  # too short for a bucket
    assert virtual_bucket("abc.localhost") == "abc"


def test_protocols_and_contract_headers() -> None:
    assert [protocol_of(s) for s in ("s3", "dynamodb", "lambda", "sts")] == [
        "rest-xml",
        "json",
        "rest-json",
        "query",
    ]
    assert "x-amz-crc32" in CONTRACT_HEADERS["dynamodb"]
    assert is_contract_header("s3", "X-Amz-Checksum-CRC32")
    assert is_contract_header("lambda", "X-Amz-Function-Error")
    assert not is_contract_header("s3", "Date")
