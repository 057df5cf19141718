"""S3 range-read scenarios: first bytes, middle, open-ended, suffix, unsatisfiable, partNumber."""

from __future__ import annotations

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, ERRORS, body, bucket, put

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
GET = f"{API}/API_GetObject.html"


def _object(ctx: Ctx, low: int = 1, high: int = 8192) -> tuple[str, int]:
    name = bucket(ctx)
    size = ctx.rng.randrange(low, high)
    put(ctx, name, "ranged.bin", body(ctx, size))
    return name, size


def _get(ctx: Ctx, name: str, spec: str, expect: str = "ok") -> None:
    ctx.call(ctx.s3.get_object, Bucket=name, Key="ranged.bin", Range=spec, expect=expect, ref=GET)


@scenario("s3", "ranges", cases=3)
def first_bytes(ctx: Ctx) -> None:
    """Range bytes=0-N for a seeded N (206, Content-Range)."""
    name, size = _object(ctx)
    _get(ctx, name, f"bytes=0-{ctx.rng.randrange(0, size)}")


@scenario("s3", "ranges", cases=2)
def middle(ctx: Ctx) -> None:
    """Range bytes=A-B inside the object."""
    name, size = _object(ctx, 16)
    start = ctx.rng.randrange(1, size - 1)
    _get(ctx, name, f"bytes={start}-{ctx.rng.randrange(start, size)}")


@scenario("s3", "ranges", cases=2)
def open_ended(ctx: Ctx) -> None:
    """Range bytes=A- (to the end)."""
    name, size = _object(ctx, 2)
    _get(ctx, name, f"bytes={ctx.rng.randrange(0, size)}-")


@scenario("s3", "ranges", cases=3)
def suffix(ctx: Ctx) -> None:
    """Range bytes=-N: the last N bytes; case 3 asks for more than the object has (all of it)."""
    name, size = _object(ctx)
    n = size + ctx.rng.randrange(1, 100) if ctx.case == 3 else ctx.rng.randrange(1, size + 1)
    _get(ctx, name, f"bytes=-{n}")


@scenario("s3", "ranges")
def past_end(ctx: Ctx) -> None:
    """Range bytes=A-B with B past the end: clipped to the object (206)."""
    name, size = _object(ctx, 2)
    _get(ctx, name, f"bytes={ctx.rng.randrange(0, size)}-{size + ctx.rng.randrange(1, 999)}")


@scenario("s3", "ranges", "errors", cases=2)
def unsatisfiable(ctx: Ctx) -> None:
    """Range starting at or past the end -> 416 InvalidRange (case 2: an empty object)."""
    if ctx.case == 2:
        name = bucket(ctx)
        put(ctx, name, "ranged.bin", b"")
        _get(ctx, name, "bytes=0-0", expect="InvalidRange")
        return
    name, size = _object(ctx)
    _get(ctx, name, f"bytes={size + ctx.rng.randrange(0, 10)}-", expect="InvalidRange")
    ctx.call(ctx.s3.head_object, Bucket=name, Key="ranged.bin", Range=f"bytes={size}-",
             expect="416", ref=ERRORS)  # fmt: skip


@scenario("s3", "ranges")
def head_range(ctx: Ctx) -> None:
    """HeadObject with a Range: 206 and the range's Content-Length."""
    name, size = _object(ctx, 2)
    ctx.call(ctx.s3.head_object, Bucket=name, Key="ranged.bin",
             Range=f"bytes=0-{ctx.rng.randrange(0, size)}")  # fmt: skip


@scenario("s3", "ranges", "errors")
def part_number(ctx: Ctx) -> None:
    """partNumber=1 of a simple object is all of it; partNumber=2 -> 416 InvalidPartNumber."""
    name, _ = _object(ctx)
    ctx.call(ctx.s3.get_object, Bucket=name, Key="ranged.bin", PartNumber=1, ref=GET)
    ctx.call(ctx.s3.head_object, Bucket=name, Key="ranged.bin", PartNumber=1)
    ctx.call(ctx.s3.get_object, Bucket=name, Key="ranged.bin", PartNumber=2,
             expect="InvalidPartNumber", ref=GET)  # fmt: skip


@scenario("s3", "ranges", "multipart", "large")
def part_number_multipart(ctx: Ctx) -> None:
    """PartNumber reads of a two-part upload (last part small, so the first is 5 MiB)."""
    name = bucket(ctx)
    s3 = ctx.s3
    mpu = ctx.call(s3.create_multipart_upload, Bucket=name, Key="mp.bin").response
    parts = []
    for n, size in ((1, 5 * 1024 * 1024), (2, ctx.rng.randrange(1, 4096))):
        up = ctx.call(s3.upload_part, Bucket=name, Key="mp.bin", UploadId=mpu["UploadId"],
                      PartNumber=n, Body=body(ctx, size)).response  # fmt: skip
        parts.append({"PartNumber": n, "ETag": up["ETag"]})
    ctx.call(s3.complete_multipart_upload, Bucket=name, Key="mp.bin", UploadId=mpu["UploadId"],
             MultipartUpload={"Parts": parts})  # fmt: skip
    ctx.call(s3.head_object, Bucket=name, Key="mp.bin", PartNumber=2, ref=GET)
    ctx.call(s3.get_object, Bucket=name, Key="mp.bin", PartNumber=2, ref=GET)
    ctx.call(s3.get_object, Bucket=name, Key="mp.bin", PartNumber=3, expect="InvalidPartNumber")
