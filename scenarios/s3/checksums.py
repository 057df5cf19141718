"""S3 checksum scenarios: each algorithm on PutObject, mismatches, multipart checksum types."""

from __future__ import annotations

import base64
import hashlib

from scenarios.context import Ctx
from scenarios.registry import scenario
from scenarios.s3.common import API, body, bucket, put
from scenarios.s3.multipart import KEY, complete, part

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
INTEGRITY = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html"
ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
# The algorithm/type pairs S3 supports for multipart uploads (same page, "Using part-level
# checksums for multipart uploads"): FULL_OBJECT for the CRCs, COMPOSITE for all but CRC64NVME.
SUPPORTED = {
    "FULL_OBJECT": ("CRC32", "CRC32C", "CRC64NVME"),
    "COMPOSITE": ("CRC32", "CRC32C", "SHA1", "SHA256"),
}


def _put_probe(algorithm: str) -> None:
    @scenario("s3", "checksums", "integrity", name=f"put-{algorithm.lower()}")
    def probe(ctx: Ctx) -> None:
        name = bucket(ctx)
        put(ctx, name, "sum.bin", body(ctx, ctx.rng.randrange(0, 4096)),
            ChecksumAlgorithm=algorithm)  # fmt: skip
        ctx.call(ctx.s3.head_object, Bucket=name, Key="sum.bin", ChecksumMode="ENABLED")
        ctx.call(ctx.s3.get_object, Bucket=name, Key="sum.bin", ChecksumMode="ENABLED")

    probe.__doc__ = f"PutObject with a {algorithm} checksum; Get/HeadObject ChecksumMode=ENABLED."


def _multipart_probe(algorithm: str, kind: str) -> None:
    allowed = algorithm in SUPPORTED[kind]

    @scenario(
        "s3",
        "checksums",
        "multipart",
        *(() if allowed else ("moto-steered",)),  # moto starts the upload S3 refuses
        name=f"mpu-{kind.lower().replace('_', '-')}-{algorithm.lower()}",
    )
    def probe(ctx: Ctx) -> None:
        name = bucket(ctx)
        mpu = ctx.call(ctx.s3.create_multipart_upload, Bucket=name, Key=KEY,
                       ChecksumAlgorithm=algorithm, ChecksumType=kind,
                       expect="ok" if allowed else "InvalidRequest", ref=INTEGRITY)  # fmt: skip
        if not mpu.ok:
            return
        upload = str(mpu.response["UploadId"])
        entry = part(ctx, name, upload, 1, ctx.rng.randrange(1, 4096), ChecksumAlgorithm=algorithm)
        complete(ctx, name, upload, [entry])
        ctx.call(ctx.s3.head_object, Bucket=name, Key=KEY, ChecksumMode="ENABLED")

    verdict = "accepted" if allowed else "400 InvalidRequest"
    probe.__doc__ = f"Multipart upload {kind} with {algorithm}: {verdict}."


for _algorithm in ALGORITHMS:
    _put_probe(_algorithm)
for _kind in SUPPORTED:
    for _algorithm in ALGORITHMS:
        _multipart_probe(_algorithm, _kind)


@scenario("s3", "checksums", "integrity", "errors", "moto-steered")
def put_wrong_checksum(ctx: Ctx) -> None:
    """x-amz-checksum-sha256 of other bytes -> 400 BadDigest; nothing stored."""
    name = bucket(ctx)
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    ctx.call(ctx.s3.put_object, Bucket=name, Key="sum.bin", Body=body(ctx, 64),
             ChecksumSHA256=wrong, expect="BadDigest",
             ref=f"{API}/ErrorResponses.html")  # fmt: skip
    ctx.call(ctx.s3.head_object, Bucket=name, Key="sum.bin", expect="404")
