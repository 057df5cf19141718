"""S3 bucket scenarios: create/delete/head/location and the bucket-level errors."""

from __future__ import annotations

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, ERRORS, bucket, put

# Names botocore lets through (its client-side pattern) that S3's naming rules reject.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_INVALID_SHAPES = ("Upper{t}", "ab", "192.168.{n}.4", "a..{t}", "under_{t}", "-lead{t}")


@scenario("s3", "buckets")
def create_owned_twice(ctx: Ctx) -> None:
    """CreateBucket on a bucket you own: 200 in us-east-1 (legacy), BucketAlreadyOwnedByYou else."""
    name = bucket(ctx)
    ctx.call(ctx.s3.create_bucket, Bucket=name, ref=f"{API}/API_CreateBucket.html")


@scenario("s3", "buckets", "errors", cases=3)
def invalid_name(ctx: Ctx) -> None:
    """CreateBucket with a name breaking S3's naming rules -> 400 InvalidBucketName."""
    shape = _INVALID_SHAPES[(ctx.case - 1 + ctx.rng.randrange(2) * 3) % len(_INVALID_SHAPES)]
    name = shape.format(t=ctx.token, n=ctx.rng.randrange(256))
    out = ctx.call(ctx.s3.create_bucket, Bucket=name, expect="InvalidBucketName", ref=ERRORS)
    if out.ok:  # an emulator that accepted it must not keep it
        ctx.call(ctx.s3.delete_bucket, Bucket=name)


@scenario("s3", "buckets", "errors")
def delete_not_empty(ctx: Ctx) -> None:
    """DeleteBucket with an object in it -> 409 BucketNotEmpty."""
    name = bucket(ctx)
    put(ctx, name, "keep.txt", b"x")
    ctx.call(ctx.s3.delete_bucket, Bucket=name, expect="BucketNotEmpty", ref=ERRORS)


@scenario("s3", "buckets", "errors")
def missing_bucket(ctx: Ctx) -> None:
    """HeadBucket (404, no body), GetBucketLocation and DeleteBucket of a missing bucket."""
    name = ctx.name("missing")
    ctx.call(ctx.s3.head_bucket, Bucket=name, expect="404", ref=f"{API}/API_HeadBucket.html")
    ctx.call(ctx.s3.get_bucket_location, Bucket=name, expect="NoSuchBucket", ref=ERRORS)
    ctx.call(ctx.s3.delete_bucket, Bucket=name, expect="NoSuchBucket", ref=ERRORS)


@scenario("s3", "buckets")
def head_and_location(ctx: Ctx) -> None:
    """HeadBucket and GetBucketLocation (null LocationConstraint in us-east-1), ListBuckets."""
    name = bucket(ctx)
    ctx.call(ctx.s3.head_bucket, Bucket=name)
    ctx.call(ctx.s3.get_bucket_location, Bucket=name, ref=f"{API}/API_GetBucketLocation.html")
    ctx.call(ctx.s3.list_buckets)


@scenario("s3", "buckets", "errors")
def location_us_east_1(ctx: Ctx) -> None:
    """CreateBucket with LocationConstraint us-east-1 -> 400 InvalidLocationConstraint."""
    name = ctx.name()
    out = ctx.call(
        ctx.s3.create_bucket,
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": "us-east-1"},
        expect="InvalidLocationConstraint",
        ref=f"{API}/API_CreateBucket.html",
    )
    if out.ok:
        ctx.call(ctx.s3.delete_bucket, Bucket=name)
