"""S3 conditional reads and writes: If-Match, If-None-Match (incl. `*`), dates, precedence."""

from __future__ import annotations

from datetime import UTC, datetime

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, body, bucket, put

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (If-* request headers)
GET = f"{API}/API_GetObject.html"
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
WRITES = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html"
PAST = datetime(2001, 1, 1, tzinfo=UTC)
FUTURE = datetime(2099, 1, 1, tzinfo=UTC)
WRONG_ETAG = '"0123456789abcdef0123456789abcdef"'


def _object(ctx: Ctx) -> tuple[str, str]:
    name = bucket(ctx)
    return name, put(ctx, name, "cond.txt", body(ctx, ctx.rng.randrange(1, 512)))


@scenario("s3", "conditional", "errors")
def if_match_read(ctx: Ctx) -> None:
    """GetObject/HeadObject If-Match: the ETag -> 200, another -> 412 PreconditionFailed."""
    name, etag = _object(ctx)
    s3 = ctx.s3
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfMatch=etag, ref=GET)
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfMatch=WRONG_ETAG,
             expect="PreconditionFailed", ref=GET)  # fmt: skip
    ctx.call(s3.head_object, Bucket=name, Key="cond.txt", IfMatch=WRONG_ETAG, expect="412")


@scenario("s3", "conditional")
def if_none_match_read(ctx: Ctx) -> None:
    """GetObject/HeadObject If-None-Match: the ETag -> 304 Not Modified, another -> 200."""
    name, etag = _object(ctx)
    s3 = ctx.s3
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfNoneMatch=etag, expect="304", ref=GET)
    ctx.call(s3.head_object, Bucket=name, Key="cond.txt", IfNoneMatch=etag, expect="304")
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfNoneMatch=WRONG_ETAG, ref=GET)


@scenario("s3", "conditional", "errors")
def dates_read(ctx: Ctx) -> None:
    """If-Modified-Since past -> 200, future -> 304; If-Unmodified-Since past -> 412."""
    name, _ = _object(ctx)
    s3 = ctx.s3
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfModifiedSince=PAST, ref=GET)
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfModifiedSince=FUTURE,
             expect="304", ref=GET)  # fmt: skip
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfUnmodifiedSince=PAST,
             expect="PreconditionFailed", ref=GET)  # fmt: skip
    ctx.call(s3.get_object, Bucket=name, Key="cond.txt", IfUnmodifiedSince=FUTURE, ref=GET)


@scenario("s3", "conditional")
def precedence_match(ctx: Ctx) -> None:
    """If-Match true and If-Unmodified-Since false: S3 returns 200 (If-Match wins)."""
    name, etag = _object(ctx)
    ctx.call(ctx.s3.get_object, Bucket=name, Key="cond.txt", IfMatch=etag,
             IfUnmodifiedSince=PAST, ref=GET)  # fmt: skip


@scenario("s3", "conditional")
def precedence_none_match(ctx: Ctx) -> None:
    """If-None-Match false and If-Modified-Since true: S3 returns 304 (If-None-Match wins)."""
    name, etag = _object(ctx)
    ctx.call(ctx.s3.get_object, Bucket=name, Key="cond.txt", IfNoneMatch=etag,
             IfModifiedSince=PAST, expect="304", ref=GET)  # fmt: skip


@scenario("s3", "conditional", "errors", cases=2)
def put_if_none_match_star(ctx: Ctx) -> None:
    """PutObject If-None-Match: * -> 200 for a new key, 412 PreconditionFailed when it exists."""
    name = bucket(ctx)
    key = f"once-{ctx.rng.randrange(10**6)}"
    # Case 1 creates the key conditionally, case 2 unconditionally; either way it exists now.
    put(ctx, name, key, body(ctx, 64), **({"IfNoneMatch": "*"} if ctx.case == 1 else {}))
    ctx.call(ctx.s3.put_object, Bucket=name, Key=key, Body=b"late", IfNoneMatch="*",
             expect="PreconditionFailed", ref=WRITES)  # fmt: skip
    ctx.call(ctx.s3.get_object, Bucket=name, Key=key)


@scenario("s3", "conditional", "errors")
def put_if_match(ctx: Ctx) -> None:
    """PutObject If-Match: the current ETag -> 200; a stale one -> 412; absent key -> 404."""
    name, etag = _object(ctx)
    s3 = ctx.s3
    ctx.call(s3.put_object, Bucket=name, Key="cond.txt", Body=b"v2", IfMatch=etag, ref=WRITES)
    ctx.call(s3.put_object, Bucket=name, Key="cond.txt", Body=b"v3", IfMatch=etag,
             expect="PreconditionFailed", ref=WRITES)  # fmt: skip
    ctx.call(s3.put_object, Bucket=name, Key="absent", Body=b"v", IfMatch=etag,
             expect="NoSuchKey", ref=WRITES)  # fmt: skip


@scenario("s3", "conditional", "multipart", "errors")
def complete_if_none_match(ctx: Ctx) -> None:
    """CompleteMultipartUpload If-None-Match: * over an existing key -> 412 PreconditionFailed."""
    name, _ = _object(ctx)
    s3 = ctx.s3
    mpu = ctx.call(s3.create_multipart_upload, Bucket=name, Key="cond.txt").response
    up = ctx.call(s3.upload_part, Bucket=name, Key="cond.txt", UploadId=mpu["UploadId"],
                  PartNumber=1, Body=body(ctx, 100)).response  # fmt: skip
    ctx.call(s3.complete_multipart_upload, Bucket=name, Key="cond.txt",
             UploadId=mpu["UploadId"], IfNoneMatch="*",
             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": up["ETag"]}]},
             expect="PreconditionFailed", ref=WRITES)  # fmt: skip
