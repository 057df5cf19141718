"""Request matching (replay's opaque and strict modes, new_episodes recording): VCR.py-style.

Requests are compared on service, operation and normalised parameters, never on raw URIs:
signature query parameters are dropped, JSON and form bodies are compared parsed, and a
recorded value that is a normalisation placeholder (`<uuid:1>`, `<date>`) matches anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from awsrec.aws.sigv4 import PRESIGN_PARAMS
from awsrec.cassette import Interaction

_PLACEHOLDER = re.compile(r"^<[a-z][a-z0-9-]*(?::\d+)?>$")
# SigV4 presigning and botocore's routing hint vary per request, not per operation.
_VOLATILE_QUERY = PRESIGN_PARAMS | {"x-id"}


@dataclass(frozen=True, slots=True)
class Probe:
    """The comparable essence of a request."""

    service: str
    operation: str
    method: str
    path: str  # percent-decoded
    query: tuple[tuple[str, str], ...]  # sorted, volatile parameters dropped
    body: Any  # parsed JSON / sorted form pairs / bytes; None when it cannot be compared

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" if v else k for k, v in self.query)
        target = f"{self.path}?{query}" if query else self.path
        return f"{self.method} {target} ({self.service} {self.operation})"


def _body_key(headers: list[tuple[str, str]], body: bytes) -> Any:
    ctype, encoding, sha = "", "", ""
    for key, value in headers:
        lkey = key.lower()
        if lkey == "content-type":
            ctype = value.lower()
        elif lkey == "content-encoding":
            encoding = value.lower()
        elif lkey == "x-amz-content-sha256":
            sha = value
    if "aws-chunked" in encoding or sha.startswith("STREAMING-"):
        # Chunk signatures differ on every run; the payload length is what is stable.
        decoded = next((v for k, v in headers if k.lower() == "x-amz-decoded-content-length"), "")
        return ("aws-chunked", decoded)
    if "json" in ctype and body:
        try:
            return json.loads(body)
        except ValueError:
            return body
    if ctype.startswith("application/x-www-form-urlencoded"):
        return tuple(sorted(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)))
    return body


def probe(
    service: str,
    operation: str,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    body: bytes,
) -> Probe:
    kept = tuple(sorted((k, v) for k, v in query if k not in _VOLATILE_QUERY))
    return Probe(service, operation, method.upper(), path, kept, _body_key(headers, body))


def probe_recorded(it: Interaction) -> Probe:
    req = it.request
    return probe(
        it.service, it.operation, req.method, unquote(req.path), list(req.query),
        list(req.headers), bytes(req.body),
    )  # fmt: skip


def same(recorded: Any, live: Any) -> bool:
    """Structural equality where a recorded placeholder string matches any live value."""
    if isinstance(recorded, str):
        return recorded == live or bool(_PLACEHOLDER.match(recorded))
    if isinstance(recorded, dict):
        return (
            isinstance(live, dict)
            and recorded.keys() == live.keys()
            and all(same(v, live[k]) for k, v in recorded.items())
        )
    if isinstance(recorded, list | tuple):
        return (
            isinstance(live, list | tuple)
            and len(recorded) == len(live)
            and all(same(r, v) for r, v in zip(recorded, live, strict=True))
        )
    return bool(recorded == live)


Matcher = Callable[[Probe, Probe], bool]

MATCHERS: list[tuple[str, Matcher]] = [
    ("service", lambda live, rec: live.service == rec.service),
    ("operation", lambda live, rec: live.operation == rec.operation),
    ("method", lambda live, rec: live.method == rec.method),
    ("path", lambda live, rec: same(rec.path, live.path)),
    ("query", lambda live, rec: same(rec.query, live.query)),
    ("body", lambda live, rec: same(rec.body, live.body)),
]


def failed_matchers(
    live: Probe, recorded: Probe, matchers: list[tuple[str, Matcher]] = MATCHERS
) -> list[str]:
    """Names of the matchers `live` fails against `recorded` (empty: they match)."""
    return [name for name, matcher in matchers if not matcher(live, recorded)]
