"""S3 listing scenarios: ListObjectsV2/ListObjects pagination, prefix, delimiter, awkward keys."""

from __future__ import annotations

from random import Random
from typing import Any

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, ERRORS, bucket, put

V2 = f"{API}/API_ListObjectsV2.html"
# Key shapes that break naive URL/XML handling: spaces, UTF-8, '+', '%', very long, mixed.
SHAPES = ("space", "unicode", "plus", "percent", "long", "mixed")
_PIECES = {
    "space": ("a b", " lead", "trail ", "two  spaces"),
    "unicode": ("é", "日本", "ß", "😀", "Ω"),
    "plus": ("a+b", "+", "c++", "1+1=2"),
    "percent": ("100%", "%20", "%2F", "a%b"),
    "mixed": ("a b+c%d", "é/+%", "x=y&z", "~tilde", "!*'()"),
}


def awkward_key(rng: Random, shape: str, i: int) -> str:
    """A key of `shape` drawn from the seeded rng (unique by its index `i`)."""
    if shape == "long":
        # S3 keys go up to 1,024 bytes of UTF-8; stay just under with a unique prefix.
        return f"{i:03d}-" + "".join(rng.choice("abcdefgh/") for _ in range(1000))
    pieces = _PIECES[shape]
    parts = [rng.choice(pieces) for _ in range(rng.randrange(1, 4))]
    return f"{i:03d}" + "/".join(parts)


def _fill(ctx: Ctx, keys: list[str]) -> str:
    name = bucket(ctx)
    for key in keys:
        put(ctx, name, key, key.encode()[:32])
    return name


def _pages(ctx: Ctx, name: str, **params: Any) -> None:
    """Every page of a ListObjectsV2 through NextContinuationToken."""
    extra: dict[str, Any] = {}
    for _ in range(100):
        out = ctx.call(ctx.s3.list_objects_v2, Bucket=name, **params, **extra, ref=V2)
        token = out.response.get("NextContinuationToken")
        if not out.response.get("IsTruncated") or not token:
            return
        extra = {"ContinuationToken": token}


@scenario("s3", "listing", cases=len(SHAPES))
def awkward_keys(ctx: Ctx) -> None:
    """Put keys of one awkward shape; list them whole, by a prefix and url-encoded."""
    shape = SHAPES[ctx.case - 1]
    keys = [awkward_key(ctx.rng, shape, i) for i in range(ctx.rng.randrange(3, 7))]
    name = _fill(ctx, keys)
    _pages(ctx, name)
    _pages(ctx, name, Prefix=keys[0][:5])
    _pages(ctx, name, EncodingType="url", MaxKeys=2)
    ctx.call(ctx.s3.get_object, Bucket=name, Key=keys[-1])


@scenario("s3", "listing", cases=3)
def pagination(ctx: Ctx) -> None:
    """N keys listed MaxKeys at a time (seeded N, MaxKeys): KeyCount, IsTruncated, tokens."""
    n = ctx.rng.randrange(5, 26)
    name = _fill(ctx, [f"p/{ctx.rng.randrange(10**6):06d}-{i}" for i in range(n)])
    _pages(ctx, name, MaxKeys=ctx.rng.randrange(1, n))


@scenario("s3", "listing", cases=3)
def delimiter_prefix(ctx: Ctx) -> None:
    """A seeded tree listed with Delimiter '/' at the root and under a prefix (CommonPrefixes)."""
    dirs = [f"d{i}" for i in range(ctx.rng.randrange(2, 5))]
    keys = [f"{ctx.rng.choice(dirs)}/{ctx.rng.choice(dirs)}/f{i}" for i in range(12)]
    name = _fill(ctx, sorted(set(keys)) + ["top.txt"])
    _pages(ctx, name, Delimiter="/")
    _pages(ctx, name, Delimiter="/", Prefix=f"{dirs[0]}/")
    _pages(ctx, name, Delimiter="/", Prefix=dirs[-1], MaxKeys=ctx.rng.randrange(1, 4))


@scenario("s3", "listing", cases=2)
def start_after(ctx: Ctx) -> None:
    """StartAfter a present key and an absent one; FetchOwner."""
    keys = sorted(f"s/{ctx.rng.randrange(10**4):04d}" for _ in range(8))
    name = _fill(ctx, keys)
    _pages(ctx, name, StartAfter=keys[ctx.rng.randrange(len(keys))], FetchOwner=True)
    _pages(ctx, name, StartAfter="s/5000x", MaxKeys=3)


@scenario("s3", "listing")
def list_v1(ctx: Ctx) -> None:
    """ListObjects (v1) with Marker, MaxKeys, Delimiter: NextMarker only with a delimiter."""
    keys = [f"v1/{c}/{i}" for c in "ab" for i in range(4)]
    name = _fill(ctx, keys)
    s3 = ctx.s3
    ctx.call(s3.list_objects, Bucket=name, MaxKeys=3, ref=f"{API}/API_ListObjects.html")
    ctx.call(s3.list_objects, Bucket=name, Marker=keys[2], MaxKeys=3)
    ctx.call(s3.list_objects, Bucket=name, Prefix="v1/", Delimiter="/", MaxKeys=1)


@scenario("s3", "listing")
def max_keys_zero(ctx: Ctx) -> None:
    """MaxKeys=0: an empty, untruncated page in S3 (KeyCount 0)."""
    name = _fill(ctx, ["z/1", "z/2"])
    ctx.call(ctx.s3.list_objects_v2, Bucket=name, MaxKeys=0, ref=V2)


@scenario("s3", "listing", "errors")
def bad_listing(ctx: Ctx) -> None:
    """ListObjectsV2 of a missing bucket -> 404 NoSuchBucket; a bad token -> 400 InvalidArgument."""
    ctx.call(ctx.s3.list_objects_v2, Bucket=ctx.name("missing"), expect="NoSuchBucket", ref=ERRORS)
    name = _fill(ctx, ["k"])
    ctx.call(ctx.s3.list_objects_v2, Bucket=name, ContinuationToken="not-a-token",
             expect="InvalidArgument", ref=V2)  # fmt: skip
