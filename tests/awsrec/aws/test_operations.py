"""Every operation of the s3, dynamodb, lambda and sts models, serialised by botocore, is
detected and identified by awsrec.aws."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from awsrec.aws import botocore_adapter
from awsrec.aws.detect import detect_service
from awsrec.aws.operations import equivalent_operations, identify_operation
from awsrec.aws.s3_addressing import canonical_s3

# Requests these operations send are indistinguishable on the wire from another operation's
# (same method, URI, query literals, required members), so identification returns the
# non-deprecated one (or, for ListDirectoryBuckets, decides by the s3express-control host).
EXPECTED_ALIASES = {
    "s3": {
        "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
        "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
        "GetBucketNotification": "GetBucketNotificationConfiguration",
        "PutBucketNotification": "PutBucketNotificationConfiguration",
        "ListDirectoryBuckets": "ListBuckets",
    }
}
HOSTS = {
    "s3": "s3.us-east-1.amazonaws.com",
    "dynamodb": "dynamodb.us-east-1.amazonaws.com",
    "lambda": "lambda.us-east-1.amazonaws.com",
    "sts": "sts.amazonaws.com",
}


def _serialised(
    service: str, op: str
) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], bytes]:
    req = botocore_adapter.serialize_request(
        service, op, botocore_adapter.example_params(service, op)
    )
    path, _, literal_query = req["url_path"].partition("?")
    query = list(req["query"])
    for part in literal_query.split("&") if literal_query else []:
        key, _, value = part.partition("=")
        query.append((key, value))
    return req["method"], path, query, req["headers"], req["body"]


def _expected(service: str, op: str) -> str:
    return EXPECTED_ALIASES.get(service, {}).get(op, op)


@pytest.mark.parametrize("service", ["s3", "dynamodb", "lambda", "sts"])
def test_every_operation_is_identified(service: str) -> None:
    names = botocore_adapter.operation_names(service)
    checked = 0
    for op in names:
        method, path, query, headers, body = _serialised(service, op)
        # Host-free detection: signature-less requests still resolve by target/path/body,
        # so give the regional host as a real SDK would send it.
        assert detect_service(method, HOSTS[service], path, query, headers, body) == service, op
        match = identify_operation(service, method, path, query, headers, body)
        assert match is not None, op
        assert match.name == _expected(service, op), (op, method, path, query)
        checked += 1
    print(f"identified {checked} {service} operations")
    assert checked == len(names)


def test_every_s3_operation_virtual_hosted() -> None:
    names = botocore_adapter.operation_names("s3")
    checked = 0
    for op in names:
        method, path, query, headers, body = _serialised("s3", op)
        bucket = "amzn-s3-demo-bucket"
        prefix = f"/{bucket}"
        if not (path == prefix or path.startswith(prefix + "/")):
            continue  # not bucket-addressed (ListBuckets, WriteGetObjectResponse)
        host = f"{bucket}.s3.us-west-2.amazonaws.com"
        wire_path = path[len(prefix) :] or "/"
        assert detect_service(method, host, wire_path, query, headers, body) == "s3"
        canonical, style = canonical_s3(host, wire_path)
        assert (canonical, style) == (path, "virtual"), op
        match = identify_operation("s3", method, canonical, query, headers, body)
        assert match is not None, op
        assert match.name == _expected("s3", op)
        assert match.labels["Bucket"] == bucket
        checked += 1
    print(f"identified {checked} virtual-hosted s3 operations")
    assert checked == len(names) - 3  # ListBuckets, ListDirectoryBuckets, WriteGetObjectResponse


def test_expected_aliases_are_exactly_the_model_equivalences() -> None:
    for op in botocore_adapter.operation_names("s3"):
        group = equivalent_operations("s3", op)
        if len(group) > 1:
            assert op in EXPECTED_ALIASES["s3"] or op in EXPECTED_ALIASES["s3"].values(), group
    for op, alias in EXPECTED_ALIASES["s3"].items():
        assert alias in equivalent_operations("s3", op)


def test_labels_are_decoded() -> None:
    key = "a/b c+d%.txt"
    path = "/amzn-s3-demo-bucket/" + quote(key, safe="/~")
    match = identify_operation("s3", "GET", path, [("versionId", "v 1")], [])
    assert match is not None
    assert match.name == "GetObject"
    assert match.labels == {"Bucket": "amzn-s3-demo-bucket", "Key": key, "VersionId": "v 1"}


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "expected"),
    [
        ("GET", "/b", [("list-type", "2")], [], "ListObjectsV2"),
        ("GET", "/b", [], [], "ListObjects"),
        ("GET", "/b/", [("prefix", "x")], [], "ListObjects"),
        ("GET", "/b", [("uploads", "")], [], "ListMultipartUploads"),
        ("POST", "/b/k", [("uploads", "")], [], "CreateMultipartUpload"),
        ("PUT", "/b/k", [("partNumber", "1"), ("uploadId", "u")], [], "UploadPart"),
        (
            "PUT",
            "/b/k",
            [("partNumber", "1"), ("uploadId", "u")],
            [("x-amz-copy-source", "b/s")],
            "UploadPartCopy",
        ),
        ("PUT", "/b/k", [], [("X-Amz-Copy-Source", "b/s")], "CopyObject"),
        ("PUT", "/b/k", [], [], "PutObject"),
        ("GET", "/b/k", [("uploadId", "u")], [], "ListParts"),
        ("POST", "/b/k", [("uploadId", "u")], [], "CompleteMultipartUpload"),
        ("DELETE", "/b/k", [("uploadId", "u")], [], "AbortMultipartUpload"),
        ("GET", "/b", [("analytics", "")], [], "ListBucketAnalyticsConfigurations"),
        ("GET", "/b", [("analytics", ""), ("id", "x")], [], "GetBucketAnalyticsConfiguration"),
        # ?attributes names the operation even when its required header is missing.
        ("GET", "/b/k", [("attributes", "")], [], "GetObjectAttributes"),
        ("POST", "/b", [("delete", "")], [], "DeleteObjects"),
        (
            "GET",
            "/",
            [],
            [("Host", "s3express-control.us-west-2.amazonaws.com")],
            "ListDirectoryBuckets",
        ),
        ("HEAD", "/b/k/", [], [], "HeadObject"),
        ("HEAD", "/b", [], [], "HeadBucket"),
    ],
)
def test_s3_discriminators(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    expected: str,
) -> None:
    match = identify_operation("s3", method, path, query, headers)
    assert match is not None
    assert match.name == expected


def test_unknown_requests_are_not_identified() -> None:
    assert identify_operation("s3", "PATCH", "/b", [], []) is None
    assert identify_operation("lambda", "GET", "/2015-03-31/nothing-here", [], []) is None
    assert (
        identify_operation(
            "dynamodb", "POST", "/", [], [("X-Amz-Target", "DynamoDB_20120810.Nope")]
        )
        is None
    )
    assert (
        identify_operation("dynamodb", "POST", "/", [], [("X-Amz-Target", "Other_1.PutItem")])
        is None
    )
    assert identify_operation("sts", "POST", "/", [], [], b"Action=Nope") is None


def test_lambda_labels_and_query_members() -> None:
    match = identify_operation(
        "lambda", "GET", "/2015-03-31/functions/my%3Afn/aliases/live", [], []
    )
    assert match is not None
    assert (match.name, match.labels) == ("GetAlias", {"FunctionName": "my:fn", "Name": "live"})
    match = identify_operation(
        "lambda", "GET", "/2019-09-30/functions/fn/provisioned-concurrency", [("List", "ALL")], []
    )
    assert match is not None
    assert match.name == "ListProvisionedConcurrencyConfigs"
