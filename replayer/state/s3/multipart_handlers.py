"""Wire handling for multipart uploads: Create, UploadPart(Copy), Complete, Abort, listings."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from urllib.parse import quote

from awsrec.aws.checksums import Checksummer
from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.s3 import errors, integrity
from replayer.state.s3.common import SSE, xml_response
from replayer.state.s3.conditions import check_write
from replayer.state.s3.copy import CopyHandlers
from replayer.state.s3.multipart import (
    Listed,
    Upload,
    check_part_checksum,
    checksum_config,
    chosen_parts,
    new_upload_id,
    parse_part_number,
)
from replayer.state.s3.objects import Checksum, Part, S3Object, attributes_from
from replayer.state.s3.ranges import parse_copy_range
from replayer.state.s3.upload_listing import render_parts, render_uploads
from replayer.state.s3.xml import children, document, el, els, iso8601, parse, text


class MultipartHandlers(CopyHandlers):
    def _upload(self, req: ServeRequest) -> Upload:
        name, key = self.bucket_key(req)
        self.world.bucket(name)
        upload_id = req.query_get("uploadId") or ""
        upload = self.world.upload(upload_id)
        if (upload.bucket, upload.key) != (name, key):
            raise errors.no_such_upload(upload_id)
        return upload

    @handles("CreateMultipartUpload")
    async def create_multipart_upload(self, req: ServeRequest) -> ServeResponse:
        name, key = self.bucket_key(req)
        self.world.bucket(name)
        algorithm, ctype = checksum_config(req.headers)
        upload = Upload(
            new_upload_id(), name, key, self.now(), attributes_from(req.headers), algorithm, ctype
        )
        self.world.add_upload(upload)
        headers = [SSE]
        if algorithm is not None and ctype is not None:
            headers += [("x-amz-checksum-algorithm", algorithm), ("x-amz-checksum-type", ctype)]
        inner = els([("Bucket", name), ("Key", key), ("UploadId", upload.upload_id)])
        return xml_response(document("InitiateMultipartUploadResult", inner), headers=headers)

    @handles("UploadPart")
    async def upload_part(self, req: ServeRequest) -> ServeResponse:
        if "x-amz-copy-source" in req.headers:
            return await self.upload_part_copy(req)
        upload = self._upload(req)
        number = parse_part_number(req.query_get("partNumber"))
        exp = integrity.expect(req.headers, required_algorithm=upload.algorithm)
        check_part_checksum(upload, exp.algorithm, exp.explicit)
        got = await integrity.receive(self.world.store, req, exp)
        part = Part(number, got.blob.size, got.etag, self.now(), got.checksum, got.blob)
        self._store_part(upload, part)
        headers = [("ETag", f'"{part.etag}"'), SSE]
        if exp.explicit:
            headers.append((integrity.checksum_header(got.algorithm), got.checksum))
        return ServeResponse(200, headers, b"")

    def _store_part(self, upload: Upload, part: Part) -> None:
        if self.world.uploads.get(upload.upload_id) is not upload:
            # Aborted or completed while the part streamed in.
            if part.blob is not None:
                self.world.store.release(part.blob)
            raise errors.no_such_upload(upload.upload_id)
        old = upload.parts.get(part.number)
        upload.parts[part.number] = part
        self.world.persist.save_part(upload.upload_id, part.to_json())
        if old is not None and old.blob is not None:
            self.world.store.release(old.blob)

    @handles("UploadPartCopy")
    async def upload_part_copy(self, req: ServeRequest) -> ServeResponse:
        upload = self._upload(req)
        number = parse_part_number(req.query_get("partNumber"))
        source = self.copy_source(req)
        start, end = 0, source.size
        spec = req.headers.get("x-amz-copy-source-range")
        if spec is not None:
            start, end = parse_copy_range(spec, source.size)
        algorithm = upload.algorithm or integrity.DEFAULT_ALGORITHM
        md5, summer = hashlib.md5(usedforsecurity=False), Checksummer(algorithm)

        def tapped() -> Iterator[bytes]:
            for chunk in source.blob.iter_range(start, end):
                md5.update(chunk)
                summer.update(chunk)
                yield chunk

        blob = self.world.store.from_chunks(tapped())
        part = Part(number, blob.size, md5.hexdigest(), self.now(), summer.b64digest(), blob)
        self._store_part(upload, part)
        inner = els([("ETag", f'"{part.etag}"'), ("LastModified", iso8601(part.last_modified))])
        if upload.algorithm is not None:
            inner += el(f"Checksum{algorithm}", summer.b64digest())
        return xml_response(document("CopyPartResult", inner), headers=[SSE])

    @handles("CompleteMultipartUpload")
    async def complete_multipart_upload(self, req: ServeRequest) -> ServeResponse:
        upload = self._upload(req)
        algorithm = upload.algorithm or integrity.DEFAULT_ALGORITHM
        parts = chosen_parts(upload, _listed(await req.body.read(), algorithm))
        current = self.world.bucket(upload.bucket).get(upload.key)
        # Fail early before assembling; the commit checks again atomically.
        check_write(req.headers, current.etag if current else None, upload.key)
        summer = Checksummer(algorithm)
        blob = await self.world.store.ingest(_concat(parts, summer))
        try:
            checksum = _final_checksum(req, upload, algorithm, parts, summer)
        except errors.AwsError:
            self.world.store.release(blob)
            raise
        final_parts = [
            Part(i + 1, p.size, p.etag, p.last_modified, p.checksum) for i, p in enumerate(parts)
        ]
        a = upload.attrs
        obj = S3Object(
            upload.key,
            blob,
            integrity.multipart_etag([p.etag for p in parts]),
            self.now(),
            a.content_type,
            a.system,
            a.metadata,
            a.tags,
            checksum,
            final_parts,
            a.storage_class,
        )
        if self.world.uploads.get(upload.upload_id) is not upload:
            self.world.store.release(blob)
            raise errors.no_such_upload(upload.upload_id)
        self.world.commit(upload.bucket, obj, req.headers)
        self.world.drop_upload(upload)
        location = f"http://{req.host}/{upload.bucket}/{quote(upload.key)}"
        inner = els(
            [
                ("Location", location),
                ("Bucket", upload.bucket),
                ("Key", upload.key),
                ("ETag", obj.quoted_etag),
            ]
        )
        if upload.algorithm is not None:
            inner += el(f"Checksum{algorithm}", checksum.value)
            inner += el("ChecksumType", checksum.type)
        return xml_response(document("CompleteMultipartUploadResult", inner), headers=[SSE])

    @handles("AbortMultipartUpload")
    async def abort_multipart_upload(self, req: ServeRequest) -> ServeResponse:
        self.world.drop_upload(self._upload(req))
        return ServeResponse(204, [], b"")

    @handles("ListParts")
    async def list_parts(self, req: ServeRequest) -> ServeResponse:
        upload = self._upload(req)
        return xml_response(render_parts(req, upload, self.owner_id))

    @handles("ListMultipartUploads")
    async def list_multipart_uploads(self, req: ServeRequest) -> ServeResponse:
        name = req.labels.get("Bucket", "")
        self.world.bucket(name)
        uploads = [u for u in self.world.uploads.values() if u.bucket == name]
        return xml_response(render_uploads(req, name, uploads, self.owner_id))


def _listed(body: bytes, algorithm: str) -> list[Listed]:
    root = parse(body)
    out = []
    for item in children(root, "Part"):
        number, etag = text(item, "PartNumber"), text(item, "ETag")
        if number is None or etag is None or not number.strip().isdigit():
            raise errors.malformed_xml()
        out.append(Listed(int(number), etag, text(item, f"Checksum{algorithm}")))
    return out


async def _concat(parts: list[Part], summer: Checksummer) -> AsyncIterator[bytes]:
    for part in parts:
        assert part.blob is not None
        for chunk in part.blob.iter_range():
            summer.update(chunk)
            yield chunk


def _final_checksum(
    req: ServeRequest, upload: Upload, algorithm: str, parts: list[Part], summer: Checksummer
) -> Checksum:
    if upload.checksum_type == "COMPOSITE":
        values = [p.checksum or "" for p in parts]
        return Checksum(algorithm, integrity.composite(algorithm, values), "COMPOSITE")
    value = summer.b64digest()
    promised = req.headers.get(integrity.checksum_header(algorithm))
    if upload.algorithm is not None and promised is not None and promised != value:
        raise errors.bad_checksum(algorithm)
    return Checksum(algorithm, value, "FULL_OBJECT")
