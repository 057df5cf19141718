"""Wire handling for bucket operations and listings (request parsing, XML per the API reference)."""

from __future__ import annotations

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.s3 import errors, listing
from replayer.state.s3.buckets import Bucket, resolve_region, valid_bucket_name
from replayer.state.s3.common import S3Base, xml_response
from replayer.state.s3.xml import NS, document, el, els, iso8601, parse, text


class BucketHandlers(S3Base):
    @handles("CreateBucket")
    async def create_bucket(self, req: ServeRequest) -> ServeResponse:
        name = req.labels.get("Bucket", "")
        body = await req.body.read()
        constraint = None
        if body.strip():
            constraint = text(parse(body), "LocationConstraint") or None
        if not valid_bucket_name(name):
            raise errors.invalid_bucket_name(name)
        region = resolve_region(req.region, constraint)
        existing = self.world.buckets.get(name)
        if existing is not None:
            # Legacy: re-creating an owned bucket in us-east-1 answers 200 (API_CreateBucket.html).
            if not (existing.region == region == "us-east-1"):
                raise errors.bucket_already_owned(name)
        else:
            self.world.add_bucket(Bucket(name, region, self.now()))
        location = f"/{name}" if region == "us-east-1" else f"http://{name}.s3.amazonaws.com/"
        return ServeResponse(200, [("Location", location)], b"")

    @handles("DeleteBucket")
    async def delete_bucket(self, req: ServeRequest) -> ServeResponse:
        self.world.delete_bucket(req.labels.get("Bucket", ""))
        return ServeResponse(204, [], b"")

    @handles("HeadBucket")
    async def head_bucket(self, req: ServeRequest) -> ServeResponse:
        bucket = self.world.bucket(req.labels.get("Bucket", ""))
        headers = [("x-amz-bucket-region", bucket.region), ("x-amz-access-point-alias", "false")]
        return ServeResponse(200, headers, b"")

    @handles("GetBucketLocation")
    async def get_bucket_location(self, req: ServeRequest) -> ServeResponse:
        bucket = self.world.bucket(req.labels.get("Bucket", ""))
        # us-east-1 is reported as an empty LocationConstraint.
        value = "" if bucket.region == "us-east-1" else bucket.region
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="{NS}">'
        return xml_response(f"{body}{value}</LocationConstraint>".encode())

    @handles("ListBuckets")
    async def list_buckets(self, req: ServeRequest) -> ServeResponse:
        prefix = req.query_get("prefix") or ""
        region = req.query_get("bucket-region")
        chosen = sorted(
            (
                b
                for b in self.world.buckets.values()
                if b.name.startswith(prefix) and (region is None or b.region == region)
            ),
            key=lambda b: b.name,
        )
        items = "".join(
            "<Bucket>"
            + els(
                [("Name", b.name), ("CreationDate", iso8601(b.created)), ("BucketRegion", b.region)]
            )
            + "</Bucket>"
            for b in chosen
        )
        owner = f"<Owner>{el('ID', self.owner_id)}</Owner>"
        tail = el("Prefix", prefix) if req.query_get("prefix") is not None else ""
        body = document("ListAllMyBucketsResult", f"{owner}<Buckets>{items}</Buckets>{tail}")
        return xml_response(body)

    def _query(self, req: ServeRequest) -> listing.Query:
        return listing.Query(
            prefix=req.query_get("prefix") or "",
            delimiter=req.query_get("delimiter") or "",
            max_keys=listing.parse_max_keys(req.query_get("max-keys")),
            encoding_type=req.query_get("encoding-type"),
        )

    @handles("ListObjectsV2")
    async def list_objects_v2(self, req: ServeRequest) -> ServeResponse:
        bucket = self.world.bucket(req.labels.get("Bucket", ""))
        q = self._query(req)
        listing.encoder(q.encoding_type)  # validates encoding-type before anything else
        token = req.query_get("continuation-token")
        start_after = req.query_get("start-after")
        # A continuation token supersedes StartAfter (API_ListObjectsV2.html).
        after = listing.read_token(token) if token is not None else (start_after or "")
        page = listing.walk(bucket, q.prefix, q.delimiter, after, q.max_keys)
        owner = self.owner_id if req.query_get("fetch-owner") == "true" else None
        return xml_response(listing.render_v2(bucket, q, page, token, start_after, owner))

    @handles("ListObjects")
    async def list_objects(self, req: ServeRequest) -> ServeResponse:
        if req.query_get("list-type") == "2":
            return await self.list_objects_v2(req)
        bucket = self.world.bucket(req.labels.get("Bucket", ""))
        q = self._query(req)
        listing.encoder(q.encoding_type)
        marker = req.query_get("marker") or ""
        page = listing.walk(bucket, q.prefix, q.delimiter, marker, q.max_keys)
        return xml_response(listing.render_v1(bucket, q, page, marker, self.owner_id))
