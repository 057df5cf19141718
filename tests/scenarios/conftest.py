"""Scenario fixtures: the session's moto server ready for Lambda, one awsrec serve, targets."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from replayer.server.config import ServeConfig
from replayer.server.run import BackgroundServer
from scenarios.lambda_.role import ensure_role
from scenarios.runner import Clients, Target
from tests.conftest import DUMMY_ENV

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def moto_without_docker(url: str) -> None:
    """moto runs Lambda code in docker unless told to answer Invoke itself."""
    body = json.dumps({"lambda": {"use_docker": False}}).encode()
    urllib.request.urlopen(
        urllib.request.Request(f"{url}/moto-api/config", body), timeout=10
    ).close()


@pytest.fixture(scope="session")
def moto_clients(moto_url: str) -> Iterator[Clients]:
    """Scenario clients for the session's moto server, with the IAM role Lambda needs there."""
    moto_without_docker(moto_url)
    with pytest.MonkeyPatch.context() as mp:
        for name, value in DUMMY_ENV.items():
            mp.setenv(name, value)
        role = ensure_role(moto_url)
    return Clients(Target(moto_url, lambda_role=role, credentials=CREDENTIALS))


@pytest.fixture(scope="session")
def serve_server() -> Iterator[BackgroundServer]:
    server = BackgroundServer(ServeConfig(port=0)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def serve_clients(serve_server: BackgroundServer) -> Clients:
    """Scenario clients for one empty-world awsrec serve shared by every scenario."""
    return Clients(Target(serve_server.url, credentials=CREDENTIALS))
