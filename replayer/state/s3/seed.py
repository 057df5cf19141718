"""World W0 from cassettes: buckets and objects read successfully before being created."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote

from awsrec.aws.checksums import Checksummer
from awsrec.cassette import Interaction
from replayer.state.base import Headers
from replayer.state.s3.buckets import Bucket
from replayer.state.s3.objects import Checksum, S3Object, attributes_from
from replayer.state.s3.world import S3World
from replayer.state.s3.xml import parse_http_date

BUCKET_READS = frozenset(
    {"HeadBucket", "ListObjects", "ListObjectsV2", "GetBucketLocation", "ListMultipartUploads"}
)
OBJECT_READS = frozenset({"GetObject", "HeadObject"})
OBJECT_WRITES = frozenset({"PutObject", "CopyObject", "CompleteMultipartUpload"})
MAX_PLACEHOLDER = 64 * 1024 * 1024  # a HEAD-only object gets zero bytes of its size, up to this


@dataclass(slots=True)
class SeedObject:
    bucket: str
    key: str
    body: bytes
    headers: Headers


@dataclass(slots=True)
class World0:
    buckets: dict[str, str] = field(default_factory=dict)  # name -> region
    objects: dict[tuple[str, str], SeedObject] = field(default_factory=dict)


def _split(path: str) -> tuple[str, str]:
    bucket, _, key = unquote(path.split("?", 1)[0]).lstrip("/").partition("/")
    return bucket, key


def _region(i: Interaction) -> str | None:
    return i.response.header("x-amz-bucket-region")


def world0(interactions: Iterable[Interaction]) -> World0:
    w0 = World0()
    created_buckets: set[str] = set()
    created_objects: set[tuple[str, str]] = set()
    for i in interactions:
        if i.service != "s3":
            continue
        bucket, key = _split(i.request.path)
        op, ok = i.operation, 200 <= i.response.status < 300
        if op == "CreateBucket":
            created_buckets.add(bucket)
        elif op in OBJECT_WRITES or op == "DeleteObject":
            created_objects.add((bucket, key))
        if not ok or bucket in created_buckets:
            continue
        if op in BUCKET_READS or op in OBJECT_READS:
            region = _region(i) or w0.buckets.get(bucket) or "us-east-1"
            w0.buckets[bucket] = region
        if op in OBJECT_READS and (bucket, key) not in created_objects:
            seeded = w0.objects.get((bucket, key))
            whole_get = op == "GetObject" and i.response.status == 200
            if whole_get or seeded is None:
                body = i.response.body if whole_get else _placeholder(i)
                w0.objects[(bucket, key)] = SeedObject(
                    bucket, key, body, Headers(i.response.headers)
                )
    return w0


def _placeholder(i: Interaction) -> bytes:
    size = i.response.header("Content-Length") or "0"
    return bytes(min(int(size), MAX_PLACEHOLDER)) if size.isdigit() else b""


def apply(world: S3World, w0: World0, now: float) -> None:
    for name, region in w0.buckets.items():
        if name not in world.buckets:
            world.add_bucket(Bucket(name, region, now))
    for seed in w0.objects.values():
        attrs = attributes_from(seed.headers)
        etag = (seed.headers.get("ETag") or "").strip('"') or hashlib.md5(
            seed.body, usedforsecurity=False
        ).hexdigest()
        summer = Checksummer("CRC64NVME")
        summer.update(seed.body)
        checksum = Checksum("CRC64NVME", summer.b64digest())
        for name, value in seed.headers.with_prefix("x-amz-checksum-"):
            algorithm = name.lower().removeprefix("x-amz-checksum-").upper()
            if algorithm != "TYPE":
                checksum = Checksum(
                    algorithm, value, seed.headers.get("x-amz-checksum-type") or "FULL_OBJECT"
                )
        modified = parse_http_date(seed.headers.get("Last-Modified")) or now
        blob = world.store.from_chunks([seed.body])
        obj = S3Object(
            seed.key,
            blob,
            etag,
            modified,
            attrs.content_type,
            attrs.system,
            attrs.metadata,
            [],
            checksum,
            storage_class=attrs.storage_class,
        )
        world.commit(seed.bucket, obj)
