"""GET/HEAD of objects: conditional reads, ranges, partNumber reads and response headers."""

from __future__ import annotations

from dataclasses import dataclass

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse
from replayer.state.s3 import errors
from replayer.state.s3.common import SSE
from replayer.state.s3.conditions import check_read
from replayer.state.s3.objects import S3Object
from replayer.state.s3.ranges import content_range, parse_range
from replayer.state.s3.xml import http_date

# GetObject's response-* query parameters override these headers (API_GetObject.html).
OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


@dataclass(slots=True)
class Selection:
    start: int
    end: int
    partial: bool
    part: int | None = None  # the part read by ?partNumber


def select(req: ServeRequest, obj: S3Object) -> Selection:
    """Which bytes a GET/HEAD returns: the whole object, a Range, or one part."""
    size = obj.size
    range_header = req.headers.get("Range")
    part_number = req.query_get("partNumber")
    if part_number is not None:
        if range_header is not None:
            raise errors.invalid_request(
                "Cannot specify both Range header and partNumber query parameter"
            )
        return _select_part(obj, part_number)
    if range_header is not None:
        chosen = parse_range(range_header, size)
        if chosen is not None:
            return Selection(chosen[0], chosen[1], True)
    return Selection(0, size, False)


def _select_part(obj: S3Object, value: str) -> Selection:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 10000:
        raise errors.invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive", "partNumber", value
        )
    count = len(obj.parts) or 1
    if n > count:
        raise AwsError(
            "InvalidPartNumber",
            "The requested partnumber is not satisfiable",
            status=416,
            extra={"PartNumberRequested": n, "ActualPartCount": count},
        )
    if not obj.parts:
        return Selection(0, obj.size, True, 1)
    start = sum(p.size for p in obj.parts[: n - 1])
    return Selection(start, start + obj.parts[n - 1].size, True, n)


def object_headers(
    req: ServeRequest, obj: S3Object, sel: Selection, get: bool
) -> list[tuple[str, str]]:
    headers = [
        ("Last-Modified", http_date(obj.last_modified)),
        ("ETag", obj.quoted_etag),
        SSE,
    ]
    if (req.headers.get("x-amz-checksum-mode") or "").upper() == "ENABLED" and obj.checksum:
        checksum = _checksum_for(obj, sel)
        if checksum is not None:
            headers.append(checksum)
            headers.append(("x-amz-checksum-type", obj.checksum.type))
    if sel.part is not None and obj.parts:
        headers.append(("x-amz-mp-parts-count", str(len(obj.parts))))
    if get and obj.tags:
        headers.append(("x-amz-tagging-count", str(len(obj.tags))))
    headers.extend(obj.metadata)
    system = {"Content-Type": obj.content_type, **obj.system}
    if get:
        for param, name in OVERRIDES.items():
            value = req.query_get(param)
            if value is not None:
                system[name] = value
    headers.extend(system.items())
    headers.append(("Accept-Ranges", "bytes"))
    if obj.storage_class != "STANDARD":
        headers.append(("x-amz-storage-class", obj.storage_class))
    headers.append(("Content-Length", str(sel.end - sel.start)))
    if sel.partial:
        headers.append(("Content-Range", content_range(sel.start, sel.end, obj.size)))
    return headers


def _checksum_for(obj: S3Object, sel: Selection) -> tuple[str, str] | None:
    """S3 returns the whole object's checksum, or a part's for a partNumber read."""
    assert obj.checksum is not None
    if not sel.partial:
        return obj.checksum.header()
    if sel.part is not None and obj.parts and obj.checksum.type == "COMPOSITE":
        part = obj.parts[sel.part - 1]
        if part.checksum:
            return obj.checksum.header()[0], part.checksum
    if sel.part is not None and not obj.parts:
        return obj.checksum.header()
    return None


def not_modified_or_none(req: ServeRequest, obj: S3Object) -> ServeResponse | None:
    """The 304 answer when the conditions say so (S3 sends ETag and Last-Modified, no body)."""
    if check_read(req.headers, obj.etag, obj.last_modified):
        headers = [("ETag", obj.quoted_etag), ("Last-Modified", http_date(obj.last_modified))]
        return ServeResponse(304, headers, b"", outcome="NotModified")
    return None
