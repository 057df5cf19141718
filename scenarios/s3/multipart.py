"""S3 multipart scenarios: the 5 MiB boundary, order, ETags, abort, listing, part copy."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, ERRORS, MiB, body, bucket, put

COMPLETE = f"{API}/API_CompleteMultipartUpload.html"
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html (5 MiB minimum part size)
LIMITS = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html"
KEY = "mp.bin"


def start(ctx: Ctx, name: str, **extra: Any) -> str:
    out = ctx.call(ctx.s3.create_multipart_upload, Bucket=name, Key=KEY, **extra)
    return str(out.response["UploadId"])


def part(ctx: Ctx, name: str, upload: str, n: int, size: int, **extra: Any) -> dict[str, Any]:
    """Upload part `n` of `size` seeded bytes; its Parts entry for Complete."""
    out = ctx.call(ctx.s3.upload_part, Bucket=name, Key=KEY, UploadId=upload, PartNumber=n,
                   Body=body(ctx, size), **extra).response  # fmt: skip
    entry = {"PartNumber": n, "ETag": out.get("ETag", "")}
    entry.update({k: v for k, v in out.items() if k.startswith("Checksum") and k != "ChecksumType"})
    return entry


def complete(
    ctx: Ctx, name: str, upload: str, parts: list[dict[str, Any]], expect: str = "ok", **kw: Any
) -> None:
    ctx.call(ctx.s3.complete_multipart_upload, Bucket=name, Key=KEY, UploadId=upload,
             MultipartUpload={"Parts": parts}, expect=expect, ref=COMPLETE, **kw)  # fmt: skip


def _sizes(ctx: Ctx, first: int) -> None:
    name = bucket(ctx)
    upload = start(ctx, name)
    parts = [part(ctx, name, upload, 1, first), part(ctx, name, upload, 2, 1 + ctx.case)]
    complete(ctx, name, upload, parts, expect="ok" if first >= 5 * MiB else "EntityTooSmall")
    ctx.call(ctx.s3.head_object, Bucket=name, Key=KEY, expect=("ok", "404"))


@scenario("s3", "multipart", "large")
def at_boundary(ctx: Ctx) -> None:
    """A non-final part of exactly 5 MiB completes; the ETag is md5-of-md5s + '-2'."""
    _sizes(ctx, 5 * MiB)


@scenario("s3", "multipart", "large", "errors")
def below_boundary(ctx: Ctx) -> None:
    """A non-final part of 5 MiB - 1 byte -> 400 EntityTooSmall at Complete."""
    _sizes(ctx, 5 * MiB - 1)


@scenario("s3", "multipart", "errors", cases=2)
def small_parts(ctx: Ctx) -> None:
    """Two small parts (seeded sizes < 5 MiB) -> 400 EntityTooSmall; the upload stays open."""
    name = bucket(ctx)
    upload = start(ctx, name)
    parts = [part(ctx, name, upload, n, ctx.rng.randrange(1, 64 * 1024)) for n in (1, 2)]
    complete(ctx, name, upload, parts, expect="EntityTooSmall")
    ctx.call(ctx.s3.list_parts, Bucket=name, Key=KEY, UploadId=upload)


@scenario("s3", "multipart", cases=2)
def single_part(ctx: Ctx) -> None:
    """One small part is a valid upload (the last part has no minimum); ETag ends in '-1'."""
    name = bucket(ctx)
    upload = start(ctx, name, ContentType="application/x-probe", Metadata={"m": "1"})
    complete(ctx, name, upload, [part(ctx, name, upload, 1, ctx.rng.randrange(0, 9000))])
    ctx.call(ctx.s3.head_object, Bucket=name, Key=KEY)
    ctx.call(ctx.s3.get_object, Bucket=name, Key=KEY)


@scenario("s3", "multipart", "errors")
def out_of_order(ctx: Ctx) -> None:
    """Complete listing parts 2, 1 -> 400 InvalidPartOrder."""
    name = bucket(ctx)
    upload = start(ctx, name)
    parts = [part(ctx, name, upload, n, 100 + n) for n in (1, 2)]
    complete(ctx, name, upload, parts[::-1], expect="InvalidPartOrder")


@scenario("s3", "multipart", "errors", cases=2)
def wrong_part(ctx: Ctx) -> None:
    """Complete naming a wrong ETag (case 1) or a part never uploaded (case 2) -> InvalidPart."""
    name = bucket(ctx)
    upload = start(ctx, name)
    entry = part(ctx, name, upload, 1, ctx.rng.randrange(1, 5000))
    if ctx.case == 1:
        entry["ETag"] = '"0123456789abcdef0123456789abcdef"'
    else:
        entry["PartNumber"] = 7
    complete(ctx, name, upload, [entry], expect="InvalidPart")


@scenario("s3", "multipart", "errors")
def no_such_upload(ctx: Ctx) -> None:
    """Abort, then UploadPart/Complete/ListParts/Abort on it -> 404 NoSuchUpload."""
    name = bucket(ctx)
    upload = start(ctx, name)
    s3 = ctx.s3
    ctx.call(s3.abort_multipart_upload, Bucket=name, Key=KEY, UploadId=upload)
    ctx.call(s3.upload_part, Bucket=name, Key=KEY, UploadId=upload, PartNumber=1, Body=b"x",
             expect="NoSuchUpload", ref=ERRORS)  # fmt: skip
    complete(ctx, name, upload, [{"PartNumber": 1, "ETag": '"x"'}], expect="NoSuchUpload")
    ctx.call(s3.list_parts, Bucket=name, Key=KEY, UploadId=upload, expect="NoSuchUpload")
    ctx.call(s3.abort_multipart_upload, Bucket=name, Key=KEY, UploadId=upload,
             expect="NoSuchUpload", ref=f"{API}/API_AbortMultipartUpload.html")  # fmt: skip


@scenario("s3", "multipart", "moto-steered")
def list_uploads_and_parts(ctx: Ctx) -> None:
    """ListMultipartUploads over several keys; ListParts with MaxParts paging."""
    name = bucket(ctx)
    s3 = ctx.s3
    for i in range(3):
        ctx.call(s3.create_multipart_upload, Bucket=name, Key=f"u/{i}")
    upload = start(ctx, name)
    for n in range(1, 5):
        part(ctx, name, upload, n, 10 * n)
    ctx.call(s3.list_multipart_uploads, Bucket=name, ref=f"{API}/API_ListMultipartUploads.html")
    ctx.call(s3.list_multipart_uploads, Bucket=name, Prefix="u/", MaxUploads=2)
    pages = ctx.call(s3.list_parts, Bucket=name, Key=KEY, UploadId=upload, MaxParts=2)
    marker = pages.response.get("NextPartNumberMarker")
    if marker is not None:
        ctx.call(s3.list_parts, Bucket=name, Key=KEY, UploadId=upload, PartNumberMarker=marker)


@scenario("s3", "multipart", "copy")
def upload_part_copy(ctx: Ctx) -> None:
    """UploadPartCopy of a byte range of another object, then Complete."""
    name = bucket(ctx)
    size = ctx.rng.randrange(100, 5000)
    put(ctx, name, "src.bin", body(ctx, size))
    upload = start(ctx, name)
    out = ctx.call(ctx.s3.upload_part_copy, Bucket=name, Key=KEY, UploadId=upload, PartNumber=1,
                   CopySource={"Bucket": name, "Key": "src.bin"},
                   CopySourceRange=f"bytes=0-{ctx.rng.randrange(0, size)}",
                   ref=f"{API}/API_UploadPartCopy.html").response  # fmt: skip
    etag = out.get("CopyPartResult", {}).get("ETag", "")
    complete(ctx, name, upload, [{"PartNumber": 1, "ETag": etag}])
