"""Conditional requests: If-Match/If-None-Match/If-(Un)Modified-Since with S3's precedence."""

from __future__ import annotations

from replayer.state.base import Headers
from replayer.state.s3 import errors
from replayer.state.s3.xml import parse_http_date


def etag_matches(header: str, etag: str) -> bool:
    """Whether a list of entity tags (or *) names `etag` (unquoted)."""
    for item in header.split(","):
        tag = item.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag.strip('"') == etag:
            return True
    return False


def _modified_since(header: str | None, last_modified: float) -> bool | None:
    """None when the header is absent or not a date (S3 then ignores it)."""
    since = parse_http_date(header)
    if since is None:
        return None
    # HTTP dates have second precision; compare on whole seconds.
    return int(last_modified) > since


def check_read(headers: Headers, etag: str, last_modified: float, prefix: str = "") -> bool:
    """Evaluate GET/HEAD preconditions. True means 304 Not Modified; raises 412 on failure.

    AWS's precedence (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html):
    If-Match true makes If-Unmodified-Since irrelevant; If-None-Match false with
    If-Modified-Since true is still 304. With `prefix` ("x-amz-copy-source-") the same rules
    apply to a copy source, where every failure is 412 (CopyObject has no 304).
    """
    if_match = headers.get(prefix + "If-Match")
    if if_match is not None:
        if not etag_matches(if_match, etag):
            raise errors.precondition_failed(prefix + "If-Match")
    elif _modified_since(headers.get(prefix + "If-Unmodified-Since"), last_modified):
        raise errors.precondition_failed(prefix + "If-Unmodified-Since")
    if_none_match = headers.get(prefix + "If-None-Match")
    not_modified = False
    if if_none_match is not None:
        not_modified = etag_matches(if_none_match, etag)
        failed = prefix + "If-None-Match"
    else:
        not_modified = (
            _modified_since(headers.get(prefix + "If-Modified-Since"), last_modified) is False
        )
        failed = prefix + "If-Modified-Since"
    if not_modified and prefix:
        raise errors.precondition_failed(failed)
    return not_modified


def check_write(headers: Headers, current_etag: str | None, key: str) -> None:
    """PutObject/CompleteMultipartUpload/CopyObject preconditions on the destination key.

    If-None-Match accepts only "*"; If-Match on a key that does not exist is 404 NoSuchKey
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
    Callers run this in the same synchronous step as the commit, so it is atomic.
    """
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise errors.not_implemented_header("If-None-Match")
        if current_etag is not None:
            raise errors.precondition_failed("If-None-Match")
    if_match = headers.get("If-Match")
    if if_match is not None:
        if current_etag is None:
            raise errors.no_such_key(key)
        if not etag_matches(if_match, current_etag):
            raise errors.precondition_failed("If-Match")
