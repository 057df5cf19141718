"""The request target: raw path, decoded path and query string, as an ASGI scope wants them."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import httptools


def split_target(target: bytes) -> tuple[bytes, str, bytes]:
    """(raw_path, path, query_string) of an origin-form or absolute-form request target.

    Raises httptools.HttpParserInvalidURLError for a target that is neither.
    """
    if target[:1] == b"/" and b"#" not in target:
        # Origin-form, what every SDK sends: no need for the full URL parser.
        raw_path, _, query = target.partition(b"?")
    else:
        parsed = httptools.parse_url(target)
        raw_path = parsed.path or b"/"
        query = parsed.query or b""
    # ASGI's path has percent-escapes and UTF-8 decoded; undecodable bytes survive as surrogates.
    decoded = unquote_to_bytes(raw_path) if b"%" in raw_path else raw_path
    return raw_path, decoded.decode("utf-8", "surrogateescape"), query
