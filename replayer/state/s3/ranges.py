"""Range reads: parsing `Range` and `x-amz-copy-source-range` the way S3 does."""

from __future__ import annotations

import re

from replayer.state.s3 import errors

_SINGLE = re.compile(r"^bytes=(\d*)-(\d*)$")
_COPY = re.compile(r"^bytes=(\d+)-(\d+)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Byte range [start, end) selected by a Range header, or None to send the whole object.

    S3 ignores what it cannot parse and multi-range requests (it serves one range per GET:
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax),
    and answers 416 InvalidRange when the range starts past the end.
    """
    m = _SINGLE.match(header.strip())
    if m is None:
        return None
    first, last = m.group(1), m.group(2)
    if not first and not last:
        return None
    if not first:  # bytes=-n: the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            raise errors.invalid_range(header, size)
        return max(0, size - n), size
    start = int(first)
    if last and int(last) < start:
        return None  # syntactically invalid per RFC 7233: ignored
    if start >= size:
        raise errors.invalid_range(header, size)
    end = size if not last else min(int(last) + 1, size)
    return start, end


def content_range(start: int, end: int, size: int) -> str:
    return f"bytes {start}-{end - 1}/{size}"


def parse_copy_range(header: str, size: int) -> tuple[int, int]:
    """x-amz-copy-source-range for UploadPartCopy: bytes=first-last, both required."""
    m = _COPY.match(header.strip())
    if m is None:
        raise errors.invalid_argument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first "
            "and last are the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            header,
        )
    start, last = int(m.group(1)), int(m.group(2))
    if last < start or last >= size:
        raise errors.invalid_request(
            f"Range specified is not valid for source object of size: {size}"
        )
    return start, last + 1
