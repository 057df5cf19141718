"""S3 CopyObject scenarios: metadata and tagging directives, self-copy, conditions, errors."""

from __future__ import annotations

from typing import Any

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, ERRORS, body, bucket, put

COPY = f"{API}/API_CopyObject.html"
WRONG_ETAG = '"0123456789abcdef0123456789abcdef"'


def _source(ctx: Ctx) -> tuple[str, str]:
    name = bucket(ctx)
    etag = put(ctx, name, "src.txt", body(ctx, ctx.rng.randrange(1, 2048)),
               Metadata={"origin": "source"}, ContentType="text/x-source",
               Tagging="copied=yes")  # fmt: skip
    return name, etag


def _copy(ctx: Ctx, name: str, key: str, expect: str = "ok", **extra: Any) -> None:
    ctx.call(ctx.s3.copy_object, Bucket=name, Key=key,
             CopySource={"Bucket": name, "Key": "src.txt"}, expect=expect, ref=COPY,
             **extra)  # fmt: skip


@scenario("s3", "copy")
def directive_copy(ctx: Ctx) -> None:
    """MetadataDirective COPY (the default): metadata, Content-Type and tags come along."""
    name, _ = _source(ctx)
    _copy(ctx, name, "dst.txt", MetadataDirective="COPY")
    ctx.call(ctx.s3.head_object, Bucket=name, Key="dst.txt")
    ctx.call(ctx.s3.get_object_tagging, Bucket=name, Key="dst.txt")


@scenario("s3", "copy", cases=2)
def directive_replace(ctx: Ctx) -> None:
    """MetadataDirective REPLACE: only the request's metadata; case 2 also replaces tags."""
    name, _ = _source(ctx)
    extra: dict[str, Any] = {"Metadata": {"fresh": str(ctx.rng.randrange(10**6))}}
    if ctx.case == 2:
        extra.update(TaggingDirective="REPLACE", Tagging="replaced=1")
    _copy(ctx, name, "dst.txt", MetadataDirective="REPLACE", ContentType="text/x-new", **extra)
    ctx.call(ctx.s3.head_object, Bucket=name, Key="dst.txt")
    ctx.call(ctx.s3.get_object_tagging, Bucket=name, Key="dst.txt")


@scenario("s3", "copy", "errors")
def onto_itself(ctx: Ctx) -> None:
    """Copy onto itself without changing anything -> 400 InvalidRequest; with REPLACE -> 200."""
    name, _ = _source(ctx)
    _copy(ctx, name, "src.txt", expect="InvalidRequest")
    _copy(ctx, name, "src.txt", MetadataDirective="REPLACE", Metadata={"again": "1"})


@scenario("s3", "copy", "errors")
def missing_source(ctx: Ctx) -> None:
    """Copy from a missing key -> 404 NoSuchKey; from a missing bucket -> 404 NoSuchBucket."""
    name = bucket(ctx)
    ctx.call(ctx.s3.copy_object, Bucket=name, Key="dst", CopySource=f"{name}/absent",
             expect="NoSuchKey", ref=ERRORS)  # fmt: skip
    ctx.call(ctx.s3.copy_object, Bucket=name, Key="dst", CopySource=f"{ctx.name('gone')}/k",
             expect="NoSuchBucket", ref=ERRORS)  # fmt: skip


@scenario("s3", "copy", "conditional", "errors", "moto-steered")
def copy_conditions(ctx: Ctx) -> None:
    """copy-source-if-match: the ETag -> 200, another -> 412; if-none-match the ETag -> 412."""
    name, etag = _source(ctx)
    _copy(ctx, name, "a.txt", CopySourceIfMatch=etag)
    _copy(ctx, name, "b.txt", CopySourceIfMatch=WRONG_ETAG, expect="PreconditionFailed")
    _copy(ctx, name, "c.txt", CopySourceIfNoneMatch=etag, expect="PreconditionFailed")


@scenario("s3", "copy", "errors", "moto-steered")
def bad_directive(ctx: Ctx) -> None:
    """An unknown MetadataDirective -> 400 InvalidArgument."""
    name, _ = _source(ctx)
    _copy(ctx, name, "dst.txt", MetadataDirective="MERGE", expect="InvalidArgument")
