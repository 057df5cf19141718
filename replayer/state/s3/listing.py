"""ListObjects v1 and v2: prefix/delimiter walks over the sorted key index, and their XML."""

from __future__ import annotations

import base64
import binascii
import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from replayer.state.s3 import errors
from replayer.state.s3.buckets import Bucket
from replayer.state.s3.objects import S3Object
from replayer.state.s3.xml import document, el, els, iso8601

MAX_KEYS = 1000


@dataclass(slots=True)
class Page:
    contents: list[S3Object] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last: str | None = None  # the last key or common prefix returned


def _past(keys: list[str], prefix: str) -> int:
    """Index of the first key that does not start with `prefix` (keys are sorted)."""
    bound = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return bisect.bisect_left(keys, bound)


def _start(keys: list[str], prefix: str, delimiter: str, after: str) -> int:
    i = bisect.bisect_left(keys, prefix)
    if after:
        i = max(i, bisect.bisect_right(keys, after))
        # Resuming after a common prefix skips every key rolled up into it.
        rolled_up = delimiter and after.startswith(prefix) and after.endswith(delimiter)
        if rolled_up and after.find(delimiter, len(prefix)) == len(after) - len(delimiter):
            i = max(i, _past(keys, after))
    return i


def walk(bucket: Bucket, prefix: str, delimiter: str, after: str, max_keys: int) -> Page:
    """Keys and common prefixes after `after`, in binary order; both count toward MaxKeys."""
    page = Page()
    if max_keys == 0:
        return page  # S3 answers an empty, untruncated page for max-keys=0
    keys = bucket.keys
    i = _start(keys, prefix, delimiter, after)
    count = 0
    while i < len(keys):
        key = keys[i]
        if not key.startswith(prefix):
            break
        d = key.find(delimiter, len(prefix)) if delimiter else -1
        item = key if d < 0 else key[: d + len(delimiter)]
        if d >= 0 and item <= after:
            # Rolled up into a prefix that sorts before the marker: already listed.
            i = _past(keys, item)
            continue
        if count == max_keys:
            page.truncated = True
            break
        if d >= 0:
            page.prefixes.append(item)
            i = _past(keys, item)
        else:
            page.contents.append(bucket.objects[key])
            i += 1
        page.last = item
        count += 1
    return page


def parse_max_keys(value: str | None) -> int:
    if value is None:
        return MAX_KEYS
    try:
        n = int(value)
    except ValueError as e:
        raise errors.invalid_argument(
            "Provided max-keys not an integer or within integer range", "max-keys", value
        ) from e
    if n < 0 or n > 2147483647:
        raise errors.invalid_argument(
            "Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", value
        )
    return min(n, MAX_KEYS)


def encoder(encoding_type: str | None) -> Callable[[str], str]:
    """Identity, or S3's `encoding-type=url` form encoding of keys and prefixes."""
    if encoding_type is None:
        return lambda s: s
    if encoding_type != "url":
        raise errors.invalid_argument(
            "Invalid Encoding Method specified in Request", "encoding-type", encoding_type
        )
    return lambda s: quote_plus(s, safe="/")


def make_token(last: str) -> str:
    return base64.urlsafe_b64encode(b"1\x00" + last.encode()).decode()


def read_token(token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token.encode())
        version, _, last = raw.partition(b"\x00")
        if version != b"1":
            raise ValueError(token)
        return last.decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as e:
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from e


def _contents(obj: S3Object, q: Query, owner: str | None) -> str:
    cache_key = (q.encoding_type, owner is not None)
    cached = obj.listing_xml.get(cache_key)
    if cached is None:
        cached = obj.listing_xml[cache_key] = _render_contents(obj, encoder(q.encoding_type), owner)
    return cached


def _render_contents(obj: S3Object, enc: Callable[[str], str], owner: str | None) -> str:
    inner = el("Key", enc(obj.key)) + el("LastModified", iso8601(obj.last_modified))
    inner += el("ETag", obj.quoted_etag)
    if obj.checksum is not None:
        inner += el("ChecksumAlgorithm", obj.checksum.algorithm)
        inner += el("ChecksumType", obj.checksum.type)
    inner += el("Size", obj.size)
    if owner is not None:
        inner += f"<Owner>{el('ID', owner)}</Owner>"
    inner += el("StorageClass", obj.storage_class)
    return f"<Contents>{inner}</Contents>"


def _prefixes(page: Page, enc: Callable[[str], str]) -> str:
    return "".join(
        f"<CommonPrefixes>{el('Prefix', enc(p))}</CommonPrefixes>" for p in page.prefixes
    )


@dataclass(slots=True)
class Query:
    """The listing parameters both versions share."""

    prefix: str
    delimiter: str
    max_keys: int
    encoding_type: str | None


def render_v2(
    bucket: Bucket,
    q: Query,
    page: Page,
    token: str | None,
    start_after: str | None,
    owner: str | None,
) -> bytes:
    enc = encoder(q.encoding_type)
    head = els(
        [
            ("Name", bucket.name),
            ("Prefix", enc(q.prefix)),
            ("ContinuationToken", token),
            (
                "NextContinuationToken",
                make_token(page.last) if page.truncated and page.last else None,
            ),
            ("KeyCount", len(page.contents) + len(page.prefixes)),
            ("MaxKeys", q.max_keys),
            ("Delimiter", enc(q.delimiter) if q.delimiter else None),
            ("IsTruncated", page.truncated),
        ]
    )
    body = "".join(_contents(o, q, owner) for o in page.contents) + _prefixes(page, enc)
    tail = els(
        [
            ("EncodingType", q.encoding_type),
            ("StartAfter", enc(start_after) if start_after else None),
        ]
    )
    return document("ListBucketResult", head + body + tail)


def render_v1(bucket: Bucket, q: Query, page: Page, marker: str, owner: str) -> bytes:
    enc = encoder(q.encoding_type)
    # NextMarker is only sent when a delimiter was given (API_ListObjects.html).
    next_marker = page.last if page.truncated and q.delimiter and page.last else None
    head = els(
        [
            ("Name", bucket.name),
            ("Prefix", enc(q.prefix)),
            ("Marker", enc(marker)),
            ("NextMarker", enc(next_marker) if next_marker else None),
            ("MaxKeys", q.max_keys),
            ("Delimiter", enc(q.delimiter) if q.delimiter else None),
            ("IsTruncated", page.truncated),
        ]
    )
    body = "".join(_contents(o, q, owner) for o in page.contents) + _prefixes(page, enc)
    return document("ListBucketResult", head + body + els([("EncodingType", q.encoding_type)]))
