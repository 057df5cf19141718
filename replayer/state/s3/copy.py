"""CopyObject: copy sources, copy-source conditions, metadata and tagging directives."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

from awsrec.aws.checksums import Checksummer
from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.s3 import errors
from replayer.state.s3.common import SSE, S3Base, xml_response
from replayer.state.s3.conditions import check_read
from replayer.state.s3.integrity import ALGORITHMS
from replayer.state.s3.objects import Attributes, Checksum, S3Object, attributes_from
from replayer.state.s3.xml import document, el, els, iso8601

DIRECTIVES = ("COPY", "REPLACE")


def parse_copy_source(value: str) -> tuple[str, str]:
    """x-amz-copy-source: [/]bucket/key[?versionId=...], URL-encoded."""
    path = value.split("?", 1)[0]
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not bucket or not key:
        raise errors.invalid_argument("Invalid copy source object key", "x-amz-copy-source", value)
    return bucket, key


class CopyHandlers(S3Base):
    def copy_source(self, req: ServeRequest) -> S3Object:
        """The source object, after its x-amz-copy-source-if-* conditions held."""
        bucket, key = parse_copy_source(req.headers.get("x-amz-copy-source") or "")
        source = self.world.get_object(bucket, key)
        check_read(req.headers, source.etag, source.last_modified, prefix="x-amz-copy-source-")
        return source

    @handles("CopyObject")
    async def copy_object(self, req: ServeRequest) -> ServeResponse:
        name, key = self.bucket_key(req)
        self.world.bucket(name)
        src_bucket, src_key = parse_copy_source(req.headers.get("x-amz-copy-source") or "")
        source = self.copy_source(req)
        attrs = self._attributes(req, source, (src_bucket, src_key) == (name, key))
        algorithm = (req.headers.get("x-amz-checksum-algorithm") or "").upper() or None
        if algorithm is not None and algorithm not in ALGORITHMS:
            raise errors.invalid_request("Value for x-amz-checksum-algorithm header is invalid.")
        blob = self.world.store.duplicate(source.blob)
        etag, checksum = _digests(source, algorithm)
        obj = S3Object(
            key,
            blob,
            etag,
            self.now(),
            attrs.content_type,
            attrs.system,
            attrs.metadata,
            attrs.tags,
            checksum,
            storage_class=attrs.storage_class,
        )
        self.world.commit(name, obj, req.headers)
        inner = els([("ETag", obj.quoted_etag), ("LastModified", iso8601(obj.last_modified))])
        inner += el(f"Checksum{checksum.algorithm}", checksum.value)
        inner += el("ChecksumType", checksum.type)
        return xml_response(document("CopyObjectResult", inner), headers=[SSE])

    def _attributes(self, req: ServeRequest, source: S3Object, to_itself: bool) -> Attributes:
        directive = (req.headers.get("x-amz-metadata-directive") or "COPY").upper()
        tagging = (req.headers.get("x-amz-tagging-directive") or "COPY").upper()
        if directive not in DIRECTIVES:
            raise errors.invalid_argument(
                "Unknown metadata directive.", "x-amz-metadata-directive", directive
            )
        if tagging not in DIRECTIVES:
            raise errors.invalid_argument(
                "Unknown tagging directive.", "x-amz-tagging-directive", tagging
            )
        given = attributes_from(req.headers)
        changes = "x-amz-storage-class" in req.headers or "x-amz-checksum-algorithm" in req.headers
        if to_itself and directive == "COPY" and not changes:
            raise errors.copy_to_itself()
        if directive == "COPY":
            attrs = Attributes(
                source.content_type,
                dict(source.system),
                list(source.metadata),
                [],
                given.storage_class,
            )
        else:
            attrs = given
        attrs.tags = list(source.tags) if tagging == "COPY" else given.tags
        return attrs


def _digests(source: S3Object, algorithm: str | None) -> tuple[str, Checksum]:
    """ETag and checksum of a copy.

    A copy is a single-part object, so multipart sources and a newly requested algorithm are
    recomputed from the bytes.
    """
    want = algorithm or (source.checksum.algorithm if source.checksum else "CRC64NVME")
    keep = (
        not source.parts
        and source.checksum is not None
        and source.checksum.algorithm == want
        and source.checksum.type == "FULL_OBJECT"
    )
    if keep and source.checksum is not None:
        return source.etag, Checksum(want, source.checksum.value, "FULL_OBJECT")
    md5 = hashlib.md5(usedforsecurity=False)
    summer = Checksummer(want)
    for chunk in source.blob.iter_range():
        md5.update(chunk)
        summer.update(chunk)
    etag = source.etag if not source.parts else md5.hexdigest()
    return etag, Checksum(want, summer.b64digest(), "FULL_OBJECT")
