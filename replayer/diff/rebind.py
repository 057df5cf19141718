"""Re-binding server-issued values: what the recording got from AWS, the target issues afresh.

An UploadId, a continuation token, an ETag, a VersionId or a Lambda RevisionId recorded in an
earlier response reappears in later requests; the target issued its own value, so later
requests must carry the target's. Values are paired by field name and document order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

from awsrec.cassette import Request, Response
from replayer.diff.bodies import parse_xml

# Response fields whose values the server invents and clients send back.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html (UploadId)
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html (NextContinuationToken)
# https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html (RevisionId)
SERVER_ISSUED = frozenset(
    {"UploadId", "NextContinuationToken", "NextMarker", "NextKeyMarker", "NextUploadIdMarker",
     "NextVersionIdMarker", "VersionId", "ETag", "RevisionId", "NextToken", "Version",
     "NextPartNumberMarker", "CodeSha256"}
)  # fmt: skip
SERVER_ISSUED_HEADERS = frozenset({"etag", "x-amz-version-id"})
# Short values ("1", "2") are only substituted where they are a whole value, never inside text.
_MIN_SUBSTRING = 6


def _collect(node: object, out: dict[str, list[str]], key: str = "") -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _collect(v, out, k)
    elif isinstance(node, list):
        for v in node:
            _collect(v, out, key)
    elif isinstance(node, str) and key in SERVER_ISSUED and node:
        out.setdefault(key, []).append(node)


def _issued(response: Response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in response.headers:
        if name.lower() in SERVER_ISSUED_HEADERS and value:
            out.setdefault("header:" + name.lower(), []).append(value)
    body = response.body.lstrip()
    try:
        if body[:1] == b"<":
            _collect(parse_xml(body)[0], out)
        elif body[:1] == b"{":
            _collect(json.loads(body), out)
    except ValueError:
        pass  # not a document: nothing issued in it
    return out


@dataclass(slots=True)
class Bindings:
    """Recorded value -> the target's value, learnt interaction by interaction."""

    values: dict[str, str] = field(default_factory=dict)

    def learn(self, recorded: Response, actual: Response) -> None:
        if recorded.status >= 300 or actual.status >= 300:
            return
        theirs = _issued(actual)
        for key, recorded_values in _issued(recorded).items():
            for old, new in zip(recorded_values, theirs.get(key, []), strict=False):
                if old != new:
                    self.values[old] = new
                    # ETags travel quoted in headers and XML alike; bind both spellings.
                    if old.startswith('"') and new.startswith('"'):
                        self.values[old.strip('"')] = new.strip('"')

    def _whole(self, value: str) -> str:
        return self.values.get(value, value)

    def _inside(self, text: str) -> str:
        for old, new in self.values.items():
            if len(old) >= _MIN_SUBSTRING and old in text:
                text = text.replace(old, new)
        return text

    def apply(self, request: Request) -> Request:
        """`request` with recorded server-issued values replaced by the target's."""
        if not self.values:
            return request
        query = [(k, self._inside(self._whole(v))) for k, v in request.query]
        headers = [(k, self._inside(self._whole(v))) for k, v in request.headers]
        path = request.path
        for old, new in self.values.items():
            encoded = quote(old, safe="")
            if len(old) >= _MIN_SUBSTRING and encoded in path:
                path = path.replace(encoded, quote(new, safe=""))
        body = request.body
        for old, new in self.values.items():
            if len(old) >= _MIN_SUBSTRING and old.encode() in body:
                body = body.replace(old.encode(), new.encode())
        return Request(request.method, path, query, headers, body)
