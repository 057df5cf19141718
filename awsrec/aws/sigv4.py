"""SigV4: read a request's signature, strip it, re-sign for another endpoint, verify it."""

from __future__ import annotations

import calendar
import functools
import hashlib
import hmac
import time
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

from awsrec.aws import botocore_adapter
from awsrec.cassette import header_value

Pairs = list[tuple[str, str]]

# Header form: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
# Query form: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
ALGORITHMS = ("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")
_SIGNING_HEADERS = frozenset({"authorization", "x-amz-security-token", "x-amz-date"})
PRESIGN_PARAMS = frozenset(
    {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "X-Amz-Region-Set",
    }
)
# Payload hashes that describe the body's form rather than hash it; re-signing keeps them.
KEPT_PAYLOAD_PREFIXES = ("UNSIGNED-PAYLOAD", "STREAMING-")


@dataclass(frozen=True, slots=True)
class SigV4Info:
    """What a SigV4 signature says about its request."""

    access_key: str
    date: str  # credential-scope date, YYYYMMDD
    region: str  # "" for SigV4a (region set instead of one region)
    service: str  # credential-scope service, e.g. "s3", "dynamodb", "lambda", "sts"
    signed_headers: list[str]
    signature: str
    presigned: bool
    algorithm: str = "AWS4-HMAC-SHA256"
    timestamp: str = ""  # X-Amz-Date, YYYYMMDD'T'HHMMSS'Z'
    expires: int | None = None  # presigned URLs only, seconds


def _query_value(query: Pairs, name: str) -> str | None:
    for key, value in query:
        if key == name:
            return value
    return None


def _scope(credential: str) -> tuple[str, str, str, str] | None:
    """(access key, date, region, service) of "AKID/date/region/service/aws4_request"."""
    if "/" not in credential and "%2F" in credential.upper():
        credential = unquote(credential)
    parts = credential.split("/")
    if len(parts) == 5 and parts[4] == "aws4_request":
        return parts[0], parts[1], parts[2], parts[3]
    if len(parts) == 4 and parts[3] == "aws4_request":  # SigV4a: no region in the scope
        return parts[0], parts[1], "", parts[2]
    return None


def _auth_fields(authorization: str) -> tuple[str, dict[str, str]] | None:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm not in ALGORITHMS:
        return None
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            fields[key] = value
    return algorithm, fields


def parse_sigv4(headers: Pairs, query: Pairs) -> SigV4Info | None:
    """The SigV4 signature of a request (Authorization header or presigned query), if any."""
    authorization = header_value(headers, "Authorization")
    if authorization is not None:
        parsed = _auth_fields(authorization)
        if parsed is None:
            return None
        algorithm, fields = parsed
        scope = _scope(fields.get("Credential", ""))
        if scope is None:
            return None
        return SigV4Info(
            access_key=scope[0],
            date=scope[1],
            region=scope[2],
            service=scope[3],
            signed_headers=[h for h in fields.get("SignedHeaders", "").split(";") if h],
            signature=fields.get("Signature", ""),
            presigned=False,
            algorithm=algorithm,
            timestamp=header_value(headers, "X-Amz-Date") or "",
        )
    return _parse_presigned(query)


def _parse_presigned(query: Pairs) -> SigV4Info | None:
    credential = _query_value(query, "X-Amz-Credential")
    algorithm = _query_value(query, "X-Amz-Algorithm") or "AWS4-HMAC-SHA256"
    if credential is None or algorithm not in ALGORITHMS:
        return None
    scope = _scope(credential)
    if scope is None:
        return None
    expires = _query_value(query, "X-Amz-Expires")
    signed = unquote(_query_value(query, "X-Amz-SignedHeaders") or "")
    return SigV4Info(
        access_key=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        signed_headers=[h for h in signed.split(";") if h],
        signature=_query_value(query, "X-Amz-Signature") or "",
        presigned=True,
        algorithm=algorithm,
        timestamp=_query_value(query, "X-Amz-Date") or "",
        expires=int(expires) if expires and expires.isdigit() else None,
    )


def strip_signing(headers: Pairs, query: Pairs) -> tuple[Pairs, Pairs]:
    """Headers and query without any signature material.

    X-Amz-Content-Sha256 stays: its value selects the body's form (UNSIGNED-PAYLOAD,
    STREAMING-UNSIGNED-PAYLOAD-TRAILER, ...), which the server must know to read the body.
    """
    kept_headers = [(k, v) for k, v in headers if k.lower() not in _SIGNING_HEADERS]
    kept_query = [(k, v) for k, v in query if k not in PRESIGN_PARAMS]
    return kept_headers, kept_query


def resign(
    method: str,
    url: str,
    headers: Pairs,
    body: bytes,
    *,
    service: str,
    region: str,
    access_key: str,
    secret_key: str,
    session_token: str | None = None,
) -> Pairs:
    """New headers for sending the request to `url`, signed with botocore's SigV4 signers.

    `url` is the full target URL with its wire-encoded path and query. `service` is the
    credential-scope name ("s3", "dynamodb", "lambda", "sts"). The Host header (if any) is
    replaced by the URL's host. An UNSIGNED-PAYLOAD or STREAMING-* payload hash is kept, so
    the body is sent as is; note a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body's chunk signatures
    chain from the old seed signature and must be re-framed (see awsrec.aws.chunked) first.
    """
    stripped, _ = strip_signing(headers, [])
    had_host = any(k.lower() == "host" for k, _ in stripped)
    stripped = [(k, v) for k, v in stripped if k.lower() != "host"]
    content_sha = header_value(stripped, "X-Amz-Content-SHA256")
    keep = content_sha if content_sha and content_sha.startswith(KEPT_PAYLOAD_PREFIXES) else None
    if service in ("s3", "s3express") and content_sha and keep is None:
        # S3SigV4Auth recomputes the body hash itself; a stale one would be signed otherwise.
        stripped = [(k, v) for k, v in stripped if k.lower() != "x-amz-content-sha256"]
    signed = sign_v4(
        method,
        url,
        stripped,
        body,
        service=service,
        region=region,
        credentials=(access_key, secret_key, session_token),
        keep_payload=keep,
    )
    if had_host:
        signed.insert(0, ("Host", _url_host(url)))
    return signed


# --- signing: SigV4 computed here, header for header what botocore's SigV4Auth writes -------
# https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
# The recorder re-signs every exchange, and botocore's signer (AWSRequest, HTTPHeaders, four
# HMACs for the key) cost ~0.3 ms a request; this costs ~0.08 ms. Tests hold it equal to
# botocore's output (tests/recorder/test_signing.py).

_TIMESTAMP = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
# Hop-by-hop and client-specific headers botocore leaves unsigned (proxies may change them).
_UNSIGNED_HEADERS = frozenset(
    {
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)


@functools.lru_cache(maxsize=64)
def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    """The derived SigV4 key of one credential scope; it changes once a day per scope.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key
    """
    key = ("AWS4" + secret_key).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    return key


def _without(headers: Pairs, name: str) -> Pairs:
    return [(k, v) for k, v in headers if k.lower() != name]


def _set_dates(headers: Pairs, timestamp: str) -> Pairs:
    """X-Amz-Date, or Date when the request carries one (both allowed; botocore keeps Date)."""
    if any(k.lower() == "date" for k, _ in headers):
        seconds = calendar.timegm(time.strptime(timestamp, _TIMESTAMP))
        kept = _without(_without(headers, "date"), "x-amz-date")
        return kept + [("Date", formatdate(seconds))]
    return _without(headers, "x-amz-date") + [("X-Amz-Date", timestamp)]


def _canonical_path(path: str, s3_family: bool) -> str:
    """S3 signs the path as sent; other services its normalised form, percent-encoded again."""
    if s3_family:
        return path
    if not path:
        return "/"
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment and segment != ".":
            segments.append(segment)
    first = "/" if path[0] == "/" else ""
    last = "/" if path[-1] == "/" and segments else ""
    return quote(first + "/".join(segments) + last, safe="/~")


def _canonical_query(raw_query: str) -> str:
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    encoded = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _canonical_headers(headers: Pairs, url_host: str) -> tuple[str, str]:
    """(canonical header block, signed header list) of the headers SigV4 signs."""
    values: dict[str, list[str]] = {}
    for key, value in headers:
        name = key.lower()
        if name not in _UNSIGNED_HEADERS:
            values.setdefault(name, []).append(" ".join(value.split()))
    values.setdefault("host", [url_host])
    names = sorted(values)
    block = "".join(f"{n}:{','.join(values[n])}\n" for n in names)
    return block, ";".join(names)


def sign_v4(
    method: str,
    url: str,
    headers: Pairs,
    body: bytes,
    *,
    service: str,
    region: str,
    credentials: tuple[str, str, str | None],
    keep_payload: str | None,
    timestamp: str | None = None,
) -> Pairs:
    """`headers` plus X-Amz-Date, the session token, (S3) the payload hash and Authorization.

    The same headers in the same order as botocore's SigV4Auth (S3SigV4Auth for S3-family
    scopes, signing `keep_payload` instead of the body hash when given). `timestamp` is
    YYYYMMDD'T'HHMMSS'Z' (now by default).
    """
    access_key, secret_key, token = credentials
    stamp = timestamp or time.strftime(_TIMESTAMP, time.gmtime())
    signed = _set_dates(_without(headers, "authorization"), stamp)
    if token:
        signed = _without(signed, "x-amz-security-token") + [("X-Amz-Security-Token", token)]
    s3_family = service in ("s3", "s3express")
    if s3_family:
        payload = keep_payload or (hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256)
        signed = _without(signed, "x-amz-content-sha256") + [("X-Amz-Content-SHA256", payload)]
    else:
        declared = header_value(signed, "X-Amz-Content-SHA256")
        payload = declared or (hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256)
    split = urlsplit(url)
    # The path as an HTTP client would send it (urlunsplit adds the leading slash).
    path = urlsplit(urlunsplit((split.scheme, split.netloc, split.path, "", ""))).path
    block, names = _canonical_headers(signed, _url_host(url))
    canonical = "\n".join(
        (method.upper(), _canonical_path(path, s3_family), _canonical_query(split.query))
    )
    canonical += f"\n{block}\n{names}\n{payload}"
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{digest}"
    key = signing_key(secret_key, stamp[:8], region, service)
    signature = hmac.new(key, to_sign.encode(), "sha256").hexdigest()
    auth = f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={names}, "
    return signed + [("Authorization", auth + f"Signature={signature}")]


def _url_host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets (RFC 3986, 3.2.2)
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is not None and parts.port != default:
        return f"{host}:{parts.port}"
    return host


def verify_sigv4(
    method: str,
    path: str,
    query: Pairs,
    headers: Pairs,
    body: bytes,
    secret_key: str,
) -> bool:
    """Whether the request's SigV4 signature (header or presigned form) is valid.

    `path` is the wire path (percent-encoded as sent); `query` decoded pairs.

    Only the signature is checked, not the clock (X-Amz-Date skew, X-Amz-Expires), and for
    STREAMING-AWS4-HMAC-SHA256-PAYLOAD only the seed signature, not the chunk signatures.
    """
    info = parse_sigv4(headers, query)
    if info is None or info.algorithm != "AWS4-HMAC-SHA256" or not info.timestamp:
        return False
    signed: Pairs = []
    for name in info.signed_headers:
        values = [(k, v) for k, v in headers if k.lower() == name]
        if not values:
            return False
        signed.extend(values)
    host = header_value(headers, "Host") or "localhost"
    unsigned_query = [(k, v) for k, v in query if k != "X-Amz-Signature"]
    expected = botocore_adapter.sigv4_signature(
        method,
        f"http://{host}{path}",
        unsigned_query,
        signed,
        body,
        timestamp=info.timestamp,
        scope=(info.access_key, info.region, info.service),
        secret_key=secret_key,
        presigned=info.presigned,
    )
    return hmac.compare_digest(expected, info.signature)
