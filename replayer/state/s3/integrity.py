"""Integrity of uploads: Content-MD5, x-amz-content-sha256, flexible checksums, aws-chunked.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from awsrec.aws.checksums import Checksummer
from awsrec.aws.checksums import composite as composite_checksum
from awsrec.aws.chunked import AwsChunkedDecoder, AwsChunkedError, is_aws_chunked
from awsrec.aws.errors import AwsError
from replayer.state.base import Headers, ServeRequest
from replayer.state.s3 import errors
from replayer.state.s3.store import Blob, BlobStore

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}
CRC_ALGORITHMS = frozenset({"CRC32", "CRC32C", "CRC64NVME"})
# S3 attaches a CRC64NVME to objects uploaded without a checksum (default integrity protection).
DEFAULT_ALGORITHM = "CRC64NVME"
MAX_PUT_SIZE = 5 * 1024**3
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def checksum_header(algorithm: str) -> str:
    return f"x-amz-checksum-{algorithm.lower()}"


def valid_b64(value: str, size: int) -> bool:
    try:
        return len(base64.b64decode(value, validate=True)) == size
    except (binascii.Error, ValueError):
        return False


@dataclass(slots=True)
class Expectation:
    """What the request promises about its body, checked before a byte is read."""

    algorithm: str
    content_md5: str | None = None
    checksum: str | None = None  # value from the x-amz-checksum-* header
    trailer: str | None = None  # header name announced in x-amz-trailer
    content_sha256: str | None = None  # hex, when the payload is signed
    explicit: bool = False  # the client named the algorithm (header, trailer or sdk header)


def _given_checksums(headers: Headers) -> list[tuple[str, str]]:
    return [(a, v) for a in ALGORITHMS if (v := headers.get(checksum_header(a))) is not None]


def expect(headers: Headers, required_algorithm: str | None = None) -> Expectation:
    """Validate the integrity headers' form and pick the algorithm to compute."""
    exp = Expectation(algorithm=required_algorithm or DEFAULT_ALGORITHM)
    md5 = headers.get("Content-MD5")
    if md5 is not None:
        if not valid_b64(md5, 16):
            raise errors.invalid_digest(md5)
        exp.content_md5 = md5
    sha = headers.get("x-amz-content-sha256")
    if sha is not None and _HEX64.match(sha):
        exp.content_sha256 = sha
    given = _given_checksums(headers)
    if len(given) > 1:
        raise errors.invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    sdk = headers.get("x-amz-sdk-checksum-algorithm")
    trailer = headers.get("x-amz-trailer")
    if given:
        algorithm, value = given[0]
        if sdk is not None and sdk.upper() != algorithm:
            raise errors.invalid_request(
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            )
        if not valid_b64(value, DIGEST_SIZES[algorithm]):
            raise errors.invalid_request(
                f"Value for {checksum_header(algorithm)} header is invalid."
            )
        exp.algorithm, exp.checksum, exp.explicit = algorithm, value, True
    elif trailer is not None and trailer.lower().startswith("x-amz-checksum-"):
        algorithm = trailer.lower().removeprefix("x-amz-checksum-").upper()
        if algorithm not in ALGORITHMS:
            raise errors.invalid_request(
                "The value specified in the x-amz-trailer header is not supported"
            )
        exp.algorithm, exp.trailer, exp.explicit = algorithm, trailer.lower(), True
    elif sdk is not None:
        if sdk.upper() not in ALGORITHMS:
            raise errors.invalid_request(
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            )
        exp.algorithm, exp.explicit = sdk.upper(), True
    _check_size(headers)
    return exp


def _check_size(headers: Headers) -> None:
    declared = headers.get("x-amz-decoded-content-length") or headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_PUT_SIZE:
        raise errors.entity_too_large(int(declared), MAX_PUT_SIZE)


@dataclass(slots=True)
class Received:
    """A stored body and the digests computed while it streamed in."""

    blob: Blob
    md5: bytes
    algorithm: str
    checksum: str  # base64 digest of `algorithm`
    trailers: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return self.md5.hex()


class _Tap:
    """Hashes the decoded body as it flows to the store."""

    def __init__(self, algorithm: str, sha256: bool) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.checksum = Checksummer(algorithm)
        self.sha256 = hashlib.sha256() if sha256 else None

    async def through(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for chunk in chunks:
            self.md5.update(chunk)
            self.checksum.update(chunk)
            if self.sha256 is not None:
                self.sha256.update(chunk)
            yield chunk


async def _decoded(req: ServeRequest, trailers: dict[str, str]) -> AsyncIterator[bytes]:
    """The payload without aws-chunked framing; trailing headers land in `trailers`."""
    if not is_aws_chunked(req.headers.items()):
        async for chunk in req.body.chunks():
            yield chunk
        return
    decoder = AwsChunkedDecoder()
    try:
        async for chunk in req.body.chunks():
            data = decoder.feed(chunk)
            if data:
                yield data
        decoder.finish()
    except AwsChunkedError as e:
        raise errors.incomplete_body() from e
    trailers.update(decoder.trailers)


async def receive(store: BlobStore, req: ServeRequest, exp: Expectation) -> Received:
    """Stream the body into the store while hashing it; verify every promise it made."""
    trailers: dict[str, str] = {}
    chunked = is_aws_chunked(req.headers.items())
    tap = _Tap(exp.algorithm, exp.content_sha256 is not None and not chunked)
    blob = await store.ingest(tap.through(_decoded(req, trailers)))
    received = Received(blob, tap.md5.digest(), exp.algorithm, tap.checksum.b64digest(), trailers)
    try:
        verify(exp, received, tap.sha256)
    except AwsError:
        store.release(blob)
        raise
    return received


def verify(exp: Expectation, got: Received, sha256: hashlib._Hash | None) -> None:
    if sha256 is not None and exp.content_sha256 and sha256.hexdigest() != exp.content_sha256:
        raise AwsError(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            status=400,
            extra={
                "ClientComputedContentSHA256": exp.content_sha256,
                "S3ComputedContentSHA256": sha256.hexdigest(),
            },
        )
    if exp.content_md5 is not None:
        calculated = base64.b64encode(got.md5).decode()
        if calculated != exp.content_md5:
            raise errors.bad_digest_md5(exp.content_md5, calculated)
    promised = exp.checksum
    if exp.trailer is not None:
        promised = got.trailers.get(exp.trailer)
        if promised is None or not valid_b64(promised, DIGEST_SIZES[exp.algorithm]):
            raise errors.invalid_request(f"Value for {exp.trailer} trailing header is invalid.")
    if promised is not None and promised != got.checksum:
        raise errors.bad_checksum(exp.algorithm)


def composite(algorithm: str, part_checksums: list[str]) -> str:
    """COMPOSITE checksum: the checksum of the concatenated part checksums, then -N."""
    return composite_checksum(algorithm, part_checksums)


def multipart_etag(part_md5_hexes: list[str]) -> str:
    """md5 of the concatenated binary part md5s, then -N."""
    md5 = hashlib.md5(usedforsecurity=False)
    for h in part_md5_hexes:
        md5.update(bytes.fromhex(h))
    return f"{md5.hexdigest()}-{len(part_md5_hexes)}"
