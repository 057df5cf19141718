"""A deliberately divergent target: a proxy in front of moto that changes answers in known ways."""

from __future__ import annotations

import re

from tests.replayer.diff.proxies import Pairs

_MISSING_KEY = re.compile(r"^/work-ar[0-9a-f]{6}/missing$")
_WORK_OBJECT = re.compile(r"^/work-ar[0-9a-f]{6}/k\d$")
_WORK_BUCKET = re.compile(r"^/work-ar[0-9a-f]{6}$")


def _without(headers: Pairs, name: str) -> Pairs:
    return [(k, v) for k, v in headers if k.lower() != name.lower()]


def diverge(method: str, path: str, query: Pairs, status: int, headers: Pairs, body: bytes
            ) -> tuple[int, Pairs, bytes]:  # fmt: skip
    headers = [*headers, ("x-emulator", "divergent")]  # info: an extra header everywhere
    if method == "GET" and _MISSING_KEY.match(path):
        # a different error code (critical)
        return (
            status,
            headers,
            body.replace(b"<Code>NoSuchKey</Code>", b"<Code>NoSuchEntity</Code>"),
        )
    if method == "PUT" and _WORK_OBJECT.match(path) and not query:
        return status, _without(headers, "ETag"), body  # a missing contract header (major)
    if method == "GET" and _WORK_BUCKET.match(path) and ("list-type", "2") in query:
        # an altered XML element (major)
        return (
            status,
            headers,
            re.sub(rb"<KeyCount>\d+</KeyCount>", b"<KeyCount>7</KeyCount>", body),
        )
    if method == "DELETE" and _WORK_OBJECT.match(path):
        return 200, headers, body  # 204 -> 200: a different status, same class (major)
    if method == "HEAD" and _WORK_OBJECT.match(path):
        # Last-Modified in ISO 8601 instead of RFC 7231 (minor)
        return status, [*_without(headers, "Last-Modified"),
                        ("Last-Modified", "2024-01-01T00:00:00Z")], body  # fmt: skip
    if status == 400 and b"ResourceNotFoundException" in body:
        return 200, headers, b"{}"  # 200 for an error (critical)
    return status, headers, body
