"""SigV4 signing with botocore's signers, and botocore's standard credential chain."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit


@functools.cache
def _keep_payload_s3_auth() -> Any:
    from botocore.auth import S3SigV4Auth

    class KeepPayloadS3Auth(S3SigV4Auth):  # type: ignore[misc]
        """S3 signer that signs with the payload hash the request already declares.

        So UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER requests keep their form.
        """

        def __init__(self, credentials: Any, service: str, region: str, payload: str | None):
            super().__init__(credentials, service, region)
            self._payload = payload

        def payload(self, request: Any) -> Any:
            return self._payload if self._payload else super().payload(request)

    return KeepPayloadS3Auth


def sign_headers(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    service: str,
    region: str,
    credentials: tuple[str, str, str | None],
    keep_payload: str | None,
) -> list[tuple[str, str]]:
    """Sign with botocore's SigV4Auth (S3SigV4Auth for S3-family scopes); new header pairs."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    access_key, secret_key, token = credentials
    creds = Credentials(access_key, secret_key, token)
    # The canonical query is built from decoded pairs, so a query sent with loose encoding
    # ("prefix=a/b") is signed in SigV4's canonical encoding, as AWS will recompute it.
    split = urlsplit(url)
    params = parse_qsl(split.query, keep_blank_values=True)
    bare = urlunsplit((split.scheme, split.netloc, split.path, "", ""))
    request = AWSRequest(method=method, url=bare, data=body, params=params)
    for key, value in headers:
        request.headers.add_header(key, value)
    if service in ("s3", "s3express"):
        signer: Any = _keep_payload_s3_auth()(creds, service, region, keep_payload)
    else:
        signer = SigV4Auth(creds, service, region)
    signer.add_auth(request)
    return [(k, str(v)) for k, v in request.headers.items()]


def sigv4_signature(
    method: str,
    url: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    timestamp: str,
    scope: tuple[str, str, str],
    secret_key: str,
    presigned: bool,
) -> str:
    """Recompute a SigV4 signature exactly as botocore would have produced it.

    `headers` are only the signed headers; `query` the decoded query pairs minus
    X-Amz-Signature; `scope` is (access key, region, service); `timestamp` the X-Amz-Date.
    """
    from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    access_key, region, service = scope
    creds = Credentials(access_key, secret_key)
    s3_family = service in ("s3", "s3express")
    if presigned:
        # Presigned S3 URLs sign the literal UNSIGNED-PAYLOAD (S3SigV4QueryAuth does so):
        # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
        cls: Any = S3SigV4QueryAuth if s3_family else SigV4QueryAuth
    else:
        cls = S3SigV4Auth if s3_family else SigV4Auth
    signer = cls(creds, service, region)
    request = AWSRequest(method=method, url=url, data=body, params=list(query))
    for key, value in headers:
        request.headers.add_header(key, value)
    request.context["timestamp"] = timestamp
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    return str(signer.signature(string_to_sign, request))


def default_credentials() -> Any:
    """The standard credential chain of botocore, resolved once; None when it finds nothing.

    env, shared config/credentials profile, container, web identity, SSO, IMDS:
    https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
    The result's `get_frozen_credentials()` refreshes expiring credentials as botocore sees fit.
    """
    import botocore.session

    return botocore.session.Session().get_credentials()
