"""The pure redaction step: credentials in headers and presigned-URL query parameters."""

from __future__ import annotations

from collections.abc import Iterable

from awsrec.normalize.placeholders import REDACTED

Pairs = list[tuple[str, str]]

# Values that authenticate a caller. The header stays, with its value redacted, so the shape
# of the request is still visible.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-amz-security-token",
        # S3 Express session token: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html
        "x-amz-s3session-token",
        "cookie",
        "set-cookie",
        # SSE-C: the customer's encryption key travels in these headers.
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
        "x-amz-server-side-encryption-customer-key",
        "x-amz-copy-source-server-side-encryption-customer-key",
    }
)
# Presigned URLs (SigV4 and the legacy SigV2 query authentication), matched case-insensitively:
# botocore's SigV2 presigner writes the token as `x-amz-security-token`.
# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html#RESTAuthenticationQueryStringAuth
SECRET_QUERY = frozenset(
    {"x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "awsaccesskeyid"}
)


def redact_secrets(
    headers: Pairs,
    query: Pairs,
    extra_headers: Iterable[str] = (),
    extra_query: Iterable[str] = (),
) -> tuple[Pairs, Pairs]:
    """New header and query lists with every secret value replaced by `<redacted>`."""
    header_names = SECRET_HEADERS | {h.lower() for h in extra_headers}
    query_names = SECRET_QUERY | {q.lower() for q in extra_query}
    new_headers = [(k, REDACTED if k.lower() in header_names else v) for k, v in headers]
    new_query = [(k, REDACTED if k.lower() in query_names else v) for k, v in query]
    return new_headers, new_query
