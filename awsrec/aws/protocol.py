"""Per-service protocol facts: wire protocol names and the headers that form the contract."""

from __future__ import annotations

import functools

from awsrec.aws import botocore_adapter

SERVICES = ("s3", "dynamodb", "lambda", "sts")


@functools.cache
def protocol_of(service: str) -> str:
    """The wire protocol of `service`: "rest-xml" | "json" | "rest-json" | "query"."""
    return botocore_adapter.protocol(service)


# Headers whose presence (and value, where deterministic) clients rely on; `diff` compares them.
# Names lower-case; a trailing "*" is a prefix (x-amz-checksum-crc32, x-amz-checksum-sha256...).
# S3: https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html
# DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
# Lambda: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
CONTRACT_HEADERS: dict[str, tuple[str, ...]] = {
    "s3": (
        "content-type",
        "content-length",
        "content-range",
        "accept-ranges",
        "etag",
        "last-modified",
        "x-amz-request-id",
        "x-amz-id-2",
        "x-amz-version-id",
        "x-amz-delete-marker",
        "x-amz-server-side-encryption",
        "x-amz-checksum-*",
        "x-amz-checksum-type",
        "x-amz-meta-*",
        "x-amz-storage-class",
        "x-amz-tagging-count",
        "location",
    ),
    "dynamodb": ("content-type", "x-amzn-requestid", "x-amz-crc32"),
    "lambda": (
        "content-type",
        "x-amzn-requestid",
        "x-amz-function-error",
        "x-amz-executed-version",
        "x-amz-log-result",
        "x-amzn-errortype",
    ),
    "sts": ("content-type", "x-amzn-requestid"),
}


def is_contract_header(service: str, name: str) -> bool:
    """Whether header `name` belongs to `service`'s contract (prefix entries end in "*")."""
    lname = name.lower()
    for entry in CONTRACT_HEADERS.get(service, ()):
        if entry.endswith("*") and lname.startswith(entry[:-1]):
            return True
        if lname == entry:
            return True
    return False
