"""What a test's SDK sees: AWS_* variables, boto3's default session, and clients bound to awsrec.

SDK settings reference: https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html
"""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Protocol

import pytest

if TYPE_CHECKING:
    from botocore.client import BaseClient

# Everything in the standard credential chain that could reach a real account, so that a
# replayed test can never sign for AWS by accident.
# https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
CREDENTIAL_VARS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
)
# A service-specific AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL, and the "ignore" switch
# drops both: either would send a test around awsrec.
# https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
ENDPOINT_PREFIX = "AWS_ENDPOINT_URL_"
IGNORE_ENDPOINTS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "AWS_CA_BUNDLE")
DUMMY_KEY = "AKIAAWSRECREPLAY0000"
DUMMY_SECRET = "awsrec-replay-dummy-secret"
DEFAULT_REGION = "us-east-1"


class _Prepared(Protocol):
    url: str
    headers: MutableMapping[str, str]


class _Events(Protocol):
    def register(
        self, event_name: str, handler: Callable[..., None], unique_id: str | None = None
    ) -> None: ...


def _aim(mp: pytest.MonkeyPatch, url: str) -> None:
    """Point every service at `url`, with nothing in the environment able to divert it."""
    for name in list(os.environ):
        if name.startswith(ENDPOINT_PREFIX):
            mp.delenv(name)
    mp.delenv(IGNORE_ENDPOINTS, raising=False)
    mp.setenv("AWS_ENDPOINT_URL", url)
    for name in ("NO_PROXY", "no_proxy"):  # a proxy set for other traffic must not take ours
        mp.setenv(name, ",".join(v for v in (os.environ.get(name), "127.0.0.1", "localhost") if v))


def replay_env(mp: pytest.MonkeyPatch, url: str, region: str) -> None:
    """Offline: dummy credentials only, no profile or config file, no instance metadata."""
    _aim(mp, url)
    for name in (*CREDENTIAL_VARS, *PROXY_VARS):
        mp.delenv(name, raising=False)
    mp.setenv("AWS_ACCESS_KEY_ID", DUMMY_KEY)
    mp.setenv("AWS_SECRET_ACCESS_KEY", DUMMY_SECRET)
    # No shared config or credentials file: a profile could name SSO or credential_process.
    mp.setenv("AWS_CONFIG_FILE", os.devnull)
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
    mp.setenv("AWS_REGION", region)
    mp.setenv("AWS_DEFAULT_REGION", region)
    _fresh_default_session(mp, None)


def record_env(mp: pytest.MonkeyPatch, url: str, tag: str) -> None:
    """Through the recorder: the real credentials stay (the recorder re-signs with its own)."""
    _aim(mp, url)
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        mp.setenv("AWS_DEFAULT_REGION", DEFAULT_REGION)
    _fresh_default_session(mp, (url, tag))


def off_env(mp: pytest.MonkeyPatch, upstream: str | None) -> None:
    """Mode off: only an explicit --awsrec-upstream changes where the SDK goes."""
    if upstream:
        _aim(mp, upstream)
        _fresh_default_session(mp, None)


def _fresh_default_session(mp: pytest.MonkeyPatch, tagging: tuple[str, str] | None) -> None:
    """Give the test a default session built from its own environment; restored after it.

    A default session made earlier keeps the credentials and endpoint it resolved then.
    """
    import boto3

    session = None
    if tagging is not None:
        session = boto3.session.Session()
        tag_requests(session.events, *tagging)
    mp.setattr(boto3, "DEFAULT_SESSION", session)


def tag_requests(events: _Events, url: str, tag: str) -> None:
    """Add `x-awsrec-cassette: tag` to every request sent to the recorder at `url`.

    `before-send` runs after signing, so the header is outside the signature; the recorder
    removes it before forwarding.
    """
    from recorder.settings import SPLIT_HEADER

    def add(request: _Prepared, **_: object) -> None:
        if request.url.startswith(url):
            request.headers[SPLIT_HEADER] = tag

    events.register("before-send", add, unique_id="awsrec-pytest-tag")


def client(service: str, endpoint: str | None, **kwargs: object) -> BaseClient:
    """A boto3 client from the test's default session, bound to `endpoint` unless told not."""
    import boto3

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    if endpoint is not None:
        kwargs.setdefault("endpoint_url", endpoint)
    return boto3.DEFAULT_SESSION.client(service, **kwargs)
