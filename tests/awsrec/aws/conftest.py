"""Fixtures for awsrec.aws tests: a loopback probe server and boto3 clients aimed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import urllib3
from botocore.awsrequest import AWSResponse
from botocore.config import Config

from tests.awsrec.aws.probe import _ProbeServer, probe_server


@pytest.fixture(scope="module")
def probe() -> Iterator[_ProbeServer]:
    with probe_server() as server:
        yield server


def client(
    service: str,
    probe: _ProbeServer,
    *,
    virtual: bool = False,
    signature_version: str | None = None,
) -> Any:
    """A real boto3 client whose traffic all goes to the probe server on 127.0.0.1.

    virtual=True keeps AWS's real host names (so S3 uses virtual-hosted addressing) and a
    before-send hook hands every request to the probe as an HTTP forward proxy on 127.0.0.1,
    through urllib3's ProxyManager, which only ever connects to the proxy.
    """
    config = Config(
        retries={"max_attempts": 1, "mode": "standard"},
        s3={"addressing_style": "virtual" if virtual else "path"},
        # Host prefixes ({RequestRoute}. for WriteGetObjectResponse) would land on our custom
        # endpoint's host and read as a bucket; AWS's real s3-object-lambda host does not.
        inject_host_prefix=False,
        request_checksum_calculation="when_supported",
        signature_version=signature_version,
    )
    endpoint = f"http://{service}.us-east-1.amazonaws.com" if virtual else probe.url
    made = boto3.session.Session().client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="testing",
        config=config,
    )
    if virtual:
        proxy = urllib3.ProxyManager(probe.url)

        def via_probe(request: Any, **_: Any) -> AWSResponse:
            raw = proxy.urlopen(
                request.method,
                request.url,
                body=request.body,
                # urllib3 writes the Host header from the URL itself.
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
                retries=False,
                redirect=False,
                preload_content=False,
            )
            return AWSResponse(request.url, raw.status, raw.headers, raw)

        made.meta.events.register_first("before-send", via_probe)
    return made
