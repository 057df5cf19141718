"""ListParts and ListMultipartUploads: paging and their XML, per the API reference."""

from __future__ import annotations

from replayer.state.base import ServeRequest
from replayer.state.s3 import errors
from replayer.state.s3.multipart import Upload
from replayer.state.s3.xml import document, el, els, iso8601

MAX_ITEMS = 1000


def _limit(req: ServeRequest, name: str) -> int:
    value = req.query_get(name)
    if value is None:
        return MAX_ITEMS
    try:
        n = int(value)
    except ValueError as e:
        raise errors.invalid_argument(
            f"Provided {name} not an integer or within integer range", name, value
        ) from e
    if n < 0:
        raise errors.invalid_argument(
            f"Argument {name} must be an integer between 0 and 2147483647", name, value
        )
    return min(n, MAX_ITEMS)


def _people(owner: str) -> str:
    return f"<Initiator>{el('ID', owner)}</Initiator><Owner>{el('ID', owner)}</Owner>"


def render_parts(req: ServeRequest, upload: Upload, owner: str) -> bytes:
    limit = _limit(req, "max-parts")
    marker_text = req.query_get("part-number-marker") or "0"
    marker = int(marker_text) if marker_text.isdigit() else 0
    numbers = sorted(n for n in upload.parts if n > marker)
    shown, truncated = numbers[:limit], len(numbers) > limit
    items = ""
    for n in shown:
        p = upload.parts[n]
        items += (
            "<Part>"
            + els(
                [
                    ("PartNumber", n),
                    ("LastModified", iso8601(p.last_modified)),
                    ("ETag", f'"{p.etag}"'),
                    (f"Checksum{upload.algorithm}", p.checksum if upload.algorithm else None),
                    ("Size", p.size),
                ]
            )
            + "</Part>"
        )
    head = els(
        [
            ("Bucket", upload.bucket),
            ("Key", upload.key),
            ("UploadId", upload.upload_id),
            ("PartNumberMarker", marker),
            ("NextPartNumberMarker", shown[-1] if shown else marker),
            ("MaxParts", limit),
            ("IsTruncated", truncated),
        ]
    )
    tail = _people(owner) + el("StorageClass", upload.attrs.storage_class)
    tail += els([("ChecksumAlgorithm", upload.algorithm), ("ChecksumType", upload.checksum_type)])
    return document("ListPartsResult", head + items + tail)


def render_uploads(req: ServeRequest, bucket: str, uploads: list[Upload], owner: str) -> bytes:
    limit = _limit(req, "max-uploads")
    prefix = req.query_get("prefix") or ""
    key_marker = req.query_get("key-marker") or ""
    id_marker = req.query_get("upload-id-marker") or ""
    chosen = sorted(
        (u for u in uploads if u.key.startswith(prefix)), key=lambda u: (u.key, u.initiated)
    )
    if key_marker:
        chosen = [
            u
            for u in chosen
            if u.key > key_marker or (u.key == key_marker and id_marker and u.upload_id > id_marker)
        ]
    shown, truncated = chosen[:limit], len(chosen) > limit
    items = ""
    for u in shown:
        items += "<Upload>" + els([("Key", u.key), ("UploadId", u.upload_id)]) + _people(owner)
        items += (
            els(
                [
                    ("StorageClass", u.attrs.storage_class),
                    ("Initiated", iso8601(u.initiated)),
                    ("ChecksumAlgorithm", u.algorithm),
                    ("ChecksumType", u.checksum_type),
                ]
            )
            + "</Upload>"
        )
    head = els(
        [
            ("Bucket", bucket),
            ("KeyMarker", key_marker),
            ("UploadIdMarker", id_marker),
            ("NextKeyMarker", shown[-1].key if truncated and shown else None),
            ("NextUploadIdMarker", shown[-1].upload_id if truncated and shown else None),
            ("Prefix", prefix if req.query_get("prefix") is not None else None),
            ("MaxUploads", limit),
            ("IsTruncated", truncated),
        ]
    )
    return document("ListMultipartUploadsResult", head + items)
