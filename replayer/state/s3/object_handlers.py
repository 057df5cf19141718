"""Wire handling for object operations: Put, Get, Head, Delete(s) and object tagging."""

from __future__ import annotations

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.s3 import errors, integrity
from replayer.state.s3.common import SSE, body_of, xml_response
from replayer.state.s3.conditions import etag_matches
from replayer.state.s3.copy import CopyHandlers
from replayer.state.s3.objects import Checksum, S3Object, attributes_from, validate_tags
from replayer.state.s3.reads import not_modified_or_none, object_headers, select
from replayer.state.s3.xml import child, children, document, el, parse, text

MAX_DELETE = 1000


class ObjectHandlers(CopyHandlers):
    @handles("PutObject")
    async def put_object(self, req: ServeRequest) -> ServeResponse:
        if "x-amz-copy-source" in req.headers:
            return await self.copy_object(req)
        name, key = self.bucket_key(req)
        self.world.bucket(name)
        attrs = attributes_from(req.headers)
        exp = integrity.expect(req.headers)
        got = await integrity.receive(self.world.store, req, exp)
        obj = S3Object(
            key,
            got.blob,
            got.etag,
            self.now(),
            attrs.content_type,
            attrs.system,
            attrs.metadata,
            attrs.tags,
            Checksum(got.algorithm, got.checksum, "FULL_OBJECT"),
            storage_class=attrs.storage_class,
        )
        # Preconditions are checked in the same step as the commit: one winner per race.
        self.world.commit(name, obj, req.headers)
        headers = [("ETag", obj.quoted_etag), SSE]
        if exp.explicit:
            headers += [(integrity.checksum_header(got.algorithm), got.checksum)]
            headers += [("x-amz-checksum-type", "FULL_OBJECT")]
        return ServeResponse(200, headers, b"")

    @handles("GetObject")
    async def get_object(self, req: ServeRequest) -> ServeResponse:
        return self._read(req, get=True)

    @handles("HeadObject")
    async def head_object(self, req: ServeRequest) -> ServeResponse:
        return self._read(req, get=False)

    def _read(self, req: ServeRequest, get: bool) -> ServeResponse:
        """GET and HEAD alike (lookup, conditions, range or part), but HEAD has no body.

        https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
        """
        name, key = self.bucket_key(req)
        obj = self.world.get_object(name, key)
        cached = not_modified_or_none(req, obj)
        if cached is not None:
            return cached
        sel = select(req, obj)
        headers = object_headers(req, obj, sel, get=get)
        status = 206 if sel.partial else 200
        return ServeResponse(status, headers, body_of(obj.blob, sel.start, sel.end) if get else b"")

    @handles("DeleteObject")
    async def delete_object(self, req: ServeRequest) -> ServeResponse:
        name, key = self.bucket_key(req)
        self.world.bucket(name)
        # Deleting a missing key succeeds: S3 deletes are idempotent.
        self.world.delete_object(name, key)
        return ServeResponse(204, [], b"")

    @handles("DeleteObjects")
    async def delete_objects(self, req: ServeRequest) -> ServeResponse:
        name = req.labels.get("Bucket", "")
        bucket = self.world.bucket(name)
        root = parse(await req.body.read())
        quiet = (text(root, "Quiet") or "").strip().lower() == "true"
        items = children(root, "Object")
        if not items or len(items) > MAX_DELETE:
            raise errors.malformed_xml()
        out = []
        for item in items:
            key = text(item, "Key")
            if key is None:
                raise errors.malformed_xml()
            etag = text(item, "ETag")
            current = bucket.get(key)
            if etag is not None and current is not None and not etag_matches(etag, current.etag):
                # A conditional delete that does not hold is a per-key error, not a failure.
                message = "At least one of the pre-conditions you specified did not hold"
                out.append(
                    "<Error>"
                    + el("Key", key)
                    + el("Code", "PreconditionFailed")
                    + el("Message", message)
                    + "</Error>"
                )
                continue
            self.world.delete_object(name, key)
            if not quiet:
                out.append(f"<Deleted>{el('Key', key)}</Deleted>")
        return xml_response(document("DeleteResult", "".join(out)))

    @handles("PutObjectTagging")
    async def put_object_tagging(self, req: ServeRequest) -> ServeResponse:
        name, key = self.bucket_key(req)
        obj = self.world.get_object(name, key)
        root = parse(await req.body.read())
        tag_set = child(root, "TagSet")
        if tag_set is None:
            raise errors.malformed_xml()
        tags = []
        for tag in children(tag_set, "Tag"):
            k, v = text(tag, "Key"), text(tag, "Value")
            if k is None or v is None:
                raise errors.malformed_xml()
            tags.append((k, v))
        obj.tags = validate_tags(tags)
        self.world.save(name, obj)
        return ServeResponse(200, [], b"")

    @handles("GetObjectTagging")
    async def get_object_tagging(self, req: ServeRequest) -> ServeResponse:
        name, key = self.bucket_key(req)
        obj = self.world.get_object(name, key)
        tags = "".join(f"<Tag>{el('Key', k)}{el('Value', v)}</Tag>" for k, v in obj.tags)
        return xml_response(document("Tagging", f"<TagSet>{tags}</TagSet>"))

    @handles("DeleteObjectTagging")
    async def delete_object_tagging(self, req: ServeRequest) -> ServeResponse:
        name, key = self.bucket_key(req)
        obj = self.world.get_object(name, key)
        obj.tags = []
        self.world.save(name, obj)
        return ServeResponse(204, [], b"")
