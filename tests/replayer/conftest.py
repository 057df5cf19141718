"""Replayer fixtures: awsrec's own server in a background thread, and real boto3 clients for it."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from botocore.config import Config

from awsrec.cassette import Cassette, CassetteHeader, Interaction, Request, Response
from awsrec.cassette_io import dump_cassette
from replayer.server.config import ServeConfig
from replayer.server.run import BackgroundServer

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"

ServeFactory = Callable[..., BackgroundServer]


def error_of(exc: Any) -> tuple[str, str, int]:
    """(code, message, status) of a botocore ClientError."""
    r = exc.value.response
    return (
        r["Error"]["Code"],
        r["Error"].get("Message", ""),
        r["ResponseMetadata"]["HTTPStatusCode"],
    )


def client(service: str, url: str, **config: Any) -> Any:
    """A real boto3 client for `service` at `url`, dummy credentials, no retries."""
    cfg = Config(retries={"max_attempts": 1, "mode": "standard"}, **config)
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=cfg, **CREDENTIALS)


def s3_client(url: str, addressing: str = "path") -> Any:
    """S3 client; addressing="virtual" sends `Host: BUCKET.localhost:PORT` to 127.0.0.1."""
    if addressing == "path":
        return client("s3", url, s3={"addressing_style": "path"})
    parts = urlsplit(url)
    # Names under *.localhost do not resolve here, so the client signs for BUCKET.localhost
    # and a before-send hook connects to the loopback address with that Host header.
    virtual = client("s3", f"http://localhost:{parts.port}", s3={"addressing_style": "virtual"})

    def to_loopback(request: Any, **_: Any) -> None:
        target = urlsplit(request.url)
        request.headers["Host"] = target.netloc
        request.url = urlunsplit(target._replace(netloc=parts.netloc))

    virtual.meta.events.register_first("before-send.s3", to_loopback)
    return virtual


def ddb_client(url: str) -> Any:
    return client("dynamodb", url)


def lambda_client(url: str) -> Any:
    return client("lambda", url)


def sts_client(url: str) -> Any:
    return client("sts", url)


def admin(
    url: str, name: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """Call the admin API; returns (status, parsed JSON)."""
    req = urllib.request.Request(f"{url}/_awsrec/{name}", method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def reset(url: str) -> None:
    status, _ = admin(url, "reset", "POST")
    assert status == 200


@pytest.fixture
def serve_factory() -> Iterator[ServeFactory]:
    """Start real servers: `serve_factory(config=None, **fields)`; each stops at teardown.

    Fields override ServeConfig's; port defaults to 0 (a free loopback port). The returned
    BackgroundServer has `.url`, `.app` and `.stop()`.
    """
    started: list[BackgroundServer] = []

    def start(config: ServeConfig | None = None, **fields: Any) -> BackgroundServer:
        base = config or ServeConfig(port=0)
        server = BackgroundServer(replace(base, **fields)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def _session_server() -> Iterator[BackgroundServer]:
    server = BackgroundServer(ServeConfig(port=0)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _session_dir_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    state = tmp_path_factory.mktemp("awsrec-state")
    server = BackgroundServer(ServeConfig(port=0, state_dir=state)).start()
    yield server
    server.stop()


@pytest.fixture
def served(_session_server: BackgroundServer) -> str:
    """URL of an empty-world memory-backend server (shared, reset to W0 for this test)."""
    reset(_session_server.url)
    return _session_server.url


@pytest.fixture
def served_dir(_session_dir_server: BackgroundServer) -> str:
    """URL of an empty-world directory-backend server (shared, reset to W0 for this test)."""
    reset(_session_dir_server.url)
    return _session_dir_server.url


@pytest.fixture
def state_dir_of(_session_dir_server: BackgroundServer) -> Path:
    """The state directory behind `served_dir`."""
    state = _session_dir_server.app.config.state_dir
    assert state is not None
    return state


def interaction(
    seq: int,
    service: str,
    operation: str,
    request: tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], bytes],
    response: tuple[int, list[tuple[str, str]], bytes],
) -> Interaction:
    """A hand-built interaction: request (method, path, query, headers, body), response
    (status, headers, body)."""
    method, path, query, headers, body = request
    status, rheaders, rbody = response
    return Interaction(
        seq=seq,
        service=service,
        operation=operation,
        request=Request(method, path, query, headers, body),
        response=Response(status, rheaders, rbody),
    )


def write_cassette(path: Path, interactions: list[Interaction]) -> Path:
    """Write a cassette with the real writer; returns `path`."""
    header = CassetteHeader(
        awsrec_version="0.1.0", recorded_at="2026-01-01T00:00:00Z", upstream="hand-built"
    )
    dump_cassette(path, Cassette(header, interactions))
    return path


def raw(
    url: str,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One raw HTTP exchange with the server: (status, headers in wire order, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def signed_for(service: str, region: str = REGION) -> dict[str, str]:
    """An Authorization header naming `service` in its SigV4 scope (awsrec does not verify it)."""
    scope = f"testing/20260101/{region}/{service}/aws4_request"
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=00",
        "X-Amz-Date": "20260101T000000Z",
    }
