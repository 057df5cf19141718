"""S3 addressing: turn virtual-hosted requests into path-style ones, recognising S3 hosts."""

from __future__ import annotations

import re

# Virtual-hosted endpoints on AWS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html):
#   bucket.s3.amazonaws.com, bucket.s3.us-west-2.amazonaws.com, bucket.s3-us-west-2.amazonaws.com,
#   bucket.s3.dualstack.us-east-1.amazonaws.com, bucket.s3-accelerate(.dualstack).amazonaws.com,
#   and S3 Express directory buckets: bucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2...
_AWS_VIRTUAL = re.compile(
    r"^(?P<bucket>[a-z0-9][a-z0-9.\-]*?)\."
    r"(?:s3|s3-accelerate|s3-[a-z]{2}(?:-[a-z]+)+-\d|s3express-[a-z0-9\-]+)"
    r"(?:\.[a-z0-9\-.]+)?\.amazonaws\.com(?:\.cn)?$"
)
# Local emulator hosts used with virtual addressing (LocalStack, nip.io wildcard DNS, and
# *.localhost which resolves to loopback per RFC 6761).
_LOCAL_SUFFIXES = (
    ".s3.localhost.localstack.cloud",
    ".localhost.localstack.cloud",
    ".s3.127.0.0.1.nip.io",
    ".127.0.0.1.nip.io",
    ".s3.localhost",
    ".localhost",
)
# Bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_S3_HOST = re.compile(
    r"^(?:.+\.)?(?:s3|s3-accelerate|s3-[a-z]{2}(?:-[a-z]+)+-\d|s3-external-1|s3express-[a-z0-9\-]+|"
    r"s3express-control)(?:\.[a-z0-9\-.]+)?\.amazonaws\.com(?:\.cn)?$"
)


def split_host(host: str) -> tuple[str, str]:
    """(hostname lower-cased, ":port" or "") of a Host header value."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal
        end = host.find("]")
        return host[: end + 1], host[end + 1 :]
    name, sep, port = host.rpartition(":")
    if sep and port.isdigit():
        return name, f":{port}"
    return host, ""


def virtual_bucket(host: str) -> str | None:
    """The bucket named by a virtual-hosted S3 host, or None when the host is not clearly one."""
    name, _ = split_host(host)
    match = _AWS_VIRTUAL.match(name)
    if match is not None:
        bucket = match.group("bucket")
        return bucket if _BUCKET_NAME.match(bucket) or "--" in bucket else None
    for suffix in _LOCAL_SUFFIXES:
        if name.endswith(suffix):
            bucket = name[: -len(suffix)]
            # "s3.localhost.localstack.cloud" is the service host itself, not bucket "s3".
            if bucket != "s3" and _BUCKET_NAME.match(bucket):
                return bucket
            return None
    return None


def is_s3_host(host: str) -> bool:
    """Whether `host` is an AWS S3 endpoint (path-style or virtual-hosted)."""
    name, _ = split_host(host)
    return bool(_S3_HOST.match(name))


def canonical_s3(host: str, path: str) -> tuple[str, str]:
    """(path-style path "/bucket/key", "virtual" | "path") for an S3 request.

    `path` is the wire path without the query, still percent-encoded; it is kept encoded.
    A virtual-hosted bucket-level request ("/") becomes "/bucket".
    """
    bucket = virtual_bucket(host)
    if bucket is None:
        return (path or "/"), "path"
    if path in ("", "/"):
        return f"/{bucket}", "virtual"
    if not path.startswith("/"):
        path = "/" + path
    return f"/{bucket}{path}", "virtual"
