"""S3 object scenarios: round trips, headers, metadata, tagging, deletes and digests."""

from __future__ import annotations

import base64
import hashlib

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, ERRORS, body, bucket, put

_CONTENT = {
    "ContentType": "application/x-awsrec; charset=utf-8",
    "ContentEncoding": "identity",
    "ContentDisposition": 'attachment; filename="probe.bin"',
    "ContentLanguage": "en-GB",
    "CacheControl": "max-age=60, private",
}


@scenario("s3", "objects", cases=3)
def round_trip(ctx: Ctx) -> None:
    """PutObject of a seeded size (0 B .. 64 KiB) with user metadata; GetObject; HeadObject."""
    name = bucket(ctx)
    size = (0, ctx.rng.randrange(1, 1024), ctx.rng.randrange(1024, 65536))[ctx.case - 1]
    meta = {f"m{i}": f"v-{ctx.rng.randrange(10**6)}" for i in range(ctx.rng.randrange(1, 4))}
    put(ctx, name, f"obj-{ctx.case}.bin", body(ctx, size), Metadata=meta)
    ctx.call(ctx.s3.get_object, Bucket=name, Key=f"obj-{ctx.case}.bin")
    ctx.call(ctx.s3.head_object, Bucket=name, Key=f"obj-{ctx.case}.bin")


@scenario("s3", "objects")
def content_headers(ctx: Ctx) -> None:
    """Content-Type/-Encoding/-Disposition/-Language, Cache-Control, Expires kept and served."""
    name = bucket(ctx)
    put(ctx, name, "headers.txt", b"headers", Expires="Thu, 01 Jan 2037 00:00:00 GMT", **_CONTENT)
    ctx.call(ctx.s3.head_object, Bucket=name, Key="headers.txt")
    ctx.call(ctx.s3.get_object, Bucket=name, Key="headers.txt", ResponseContentType="text/plain")


@scenario("s3", "objects", "errors")
def missing_key(ctx: Ctx) -> None:
    """GetObject -> 404 NoSuchKey; HeadObject -> 404 without body; DeleteObject -> 204."""
    name = bucket(ctx)
    ctx.call(ctx.s3.get_object, Bucket=name, Key="absent", expect="NoSuchKey", ref=ERRORS)
    ctx.call(ctx.s3.head_object, Bucket=name, Key="absent", expect="404")
    ctx.call(ctx.s3.delete_object, Bucket=name, Key="absent", ref=f"{API}/API_DeleteObject.html")


@scenario("s3", "objects", "errors")
def missing_bucket_object(ctx: Ctx) -> None:
    """GetObject and PutObject in a bucket that does not exist -> 404 NoSuchBucket."""
    name = ctx.name("missing")
    ctx.call(ctx.s3.get_object, Bucket=name, Key="k", expect="NoSuchBucket", ref=ERRORS)
    ctx.call(ctx.s3.put_object, Bucket=name, Key="k", Body=b"x", expect="NoSuchBucket")


@scenario("s3", "objects", cases=2)
def delete_objects(ctx: Ctx) -> None:
    """DeleteObjects of present and absent keys, verbose (case 1) and Quiet (case 2)."""
    name = bucket(ctx)
    keys = [f"d/{i}-{ctx.rng.randrange(1000)}" for i in range(ctx.rng.randrange(2, 6))]
    for key in keys:
        put(ctx, name, key, body(ctx, 16))
    listed = [{"Key": k} for k in [*keys, "d/absent"]]
    ctx.call(
        ctx.s3.delete_objects,
        Bucket=name,
        Delete={"Objects": listed, "Quiet": ctx.case == 2},
        ref=f"{API}/API_DeleteObjects.html",
    )
    ctx.call(ctx.s3.list_objects_v2, Bucket=name)


@scenario("s3", "objects")
def tagging(ctx: Ctx) -> None:
    """x-amz-tagging on PutObject; Get/Put/DeleteObjectTagging."""
    name = bucket(ctx)
    put(ctx, name, "tagged", b"t", Tagging="team=probe&case=1")
    ctx.call(ctx.s3.get_object_tagging, Bucket=name, Key="tagged")
    tags = [{"Key": f"k{i}", "Value": str(ctx.rng.randrange(100))} for i in range(3)]
    ctx.call(ctx.s3.put_object_tagging, Bucket=name, Key="tagged", Tagging={"TagSet": tags})
    ctx.call(ctx.s3.get_object_tagging, Bucket=name, Key="tagged")
    ctx.call(ctx.s3.delete_object_tagging, Bucket=name, Key="tagged")
    ctx.call(ctx.s3.get_object_tagging, Bucket=name, Key="tagged")


@scenario("s3", "objects", "errors", "integrity", "moto-steered")
def bad_digest(ctx: Ctx) -> None:
    """Content-MD5 of other bytes -> 400 BadDigest; nothing stored."""
    name = bucket(ctx)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    ctx.call(
        ctx.s3.put_object, Bucket=name, Key="k", Body=b"payload", ContentMD5=wrong,
        expect="BadDigest", ref=ERRORS,
    )  # fmt: skip
    ctx.call(ctx.s3.head_object, Bucket=name, Key="k", expect="404")


@scenario("s3", "objects", "errors", "integrity", "moto-steered")
def invalid_digest(ctx: Ctx) -> None:
    """Content-MD5 that is not a base64 MD5 -> 400 InvalidDigest."""
    name = bucket(ctx)
    ctx.call(
        ctx.s3.put_object, Bucket=name, Key="k", Body=b"payload", ContentMD5="not-an-md5",
        expect="InvalidDigest", ref=ERRORS,
    )  # fmt: skip
