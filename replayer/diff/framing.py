"""Recorded aws-chunked uploads put back on the wire in a form the target can check.

The recorder stores an aws-chunked upload decoded (the object's bytes) with the SDK's headers
and a flag naming the framing and its trailers. Replaying the decoded body under those headers
would be a malformed upload, so the body is framed again:
- STREAMING-UNSIGNED-PAYLOAD-TRAILER (boto3's default over https) is re-encoded as sent, so the
  target is tested on what SDKs send;
- signed chunks (STREAMING-AWS4-HMAC-SHA256-*) chain their signatures from the seed signature,
  which re-signing replaces, so they become a plain upload with the checksum trailer as a header
  (the equivalent request). https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
"""

from __future__ import annotations

from collections.abc import Mapping

from awsrec.aws.chunked import encode_aws_chunked, plain_headers
from awsrec.cassette import Request

UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"


def reframe(request: Request, flags: Mapping[str, object]) -> Request:
    """`request` ready to send: a decoded aws-chunked upload framed again (see module doc)."""
    framing = flags.get("aws_chunked")
    if not isinstance(framing, dict) or "error" in framing:
        return request  # not chunked, or recorded as sent because it could not be decoded
    raw_trailers = framing.get("trailers")
    trailers = {str(k): str(v) for k, v in raw_trailers.items()} if isinstance(
        raw_trailers, dict) else {}  # fmt: skip
    if framing.get("content_sha256") == UNSIGNED_TRAILER:
        body = encode_aws_chunked(request.body, trailers)
        return Request(request.method, request.path, request.query, request.headers, body)
    headers = plain_headers(request.headers, trailers)
    return Request(request.method, request.path, request.query, headers, request.body)
