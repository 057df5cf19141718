"""Shared S3 scenario helpers: a bucket that empties and deletes itself, seeded bodies, docs."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx

API = "https://docs.aws.amazon.com/AmazonS3/latest/API"
ERRORS = f"{API}/ErrorResponses.html#ErrorCodeList"
MiB = 1024 * 1024


def body(ctx: Ctx, size: int) -> bytes:
    """`size` seeded pseudo-random bytes (reproducible for a seed, incompressible)."""
    return ctx.rng.randbytes(size)


def bucket(ctx: Ctx, suffix: str = "") -> str:
    """Create this scenario's bucket; at the end, empty it (objects, uploads) and delete it."""
    name = ctx.name(suffix)
    ctx.call(ctx.s3.create_bucket, Bucket=name)
    ctx.defer(lambda: delete_bucket(ctx, name))
    return name


def delete_bucket(ctx: Ctx, name: str) -> None:
    """Abort open uploads, delete every object, delete the bucket."""
    s3 = ctx.s3
    uploads = ctx.call(s3.list_multipart_uploads, Bucket=name).response
    for upload in uploads.get("Uploads", []):
        ctx.call(
            s3.abort_multipart_upload,
            Bucket=name,
            Key=upload["Key"],
            UploadId=upload["UploadId"],
        )
    token: str | None = None
    while True:
        extra = {"ContinuationToken": token} if token else {}
        listed = ctx.call(s3.list_objects_v2, Bucket=name, **extra).response
        for item in listed.get("Contents", []):
            ctx.call(s3.delete_object, Bucket=name, Key=item["Key"])
        token = listed.get("NextContinuationToken")
        if not listed.get("IsTruncated") or not token:
            break
    done = ctx.call(s3.delete_bucket, Bucket=name, expect=("ok", "NoSuchBucket"))
    if done.code not in ("ok", "NoSuchBucket"):
        raise RuntimeError(f"bucket {name} not deleted: {done.code}")


def put(ctx: Ctx, name: str, key: str, data: bytes, **extra: Any) -> str:
    """PutObject; the ETag (empty when the put failed)."""
    out = ctx.call(ctx.s3.put_object, Bucket=name, Key=key, Body=data, **extra)
    return str(out.response.get("ETag", ""))
