"""Scenario fixtures: the session's moto server ready for Lambda, one awsrec serve, targets."""

from __future__ import annotations

import json
import random
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from replayer.server.config import ServeConfig
from replayer.server.run import BackgroundServer
from scenarios.lambda_.role import ensure_role
from scenarios.registry import Scenario
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


def sample_params(items: list[Any], scenario_of: Callable[[Any], Scenario]) -> list[Any]:
    """Every item; all but a seeded sample of one scenario per service/feature marked slow.

    The sample keeps the default run in seconds; `.ci/run` (no -m) runs all of them. Items
    may be pytest.param sets already (an xfail); the sample prefers plain ones.
    """
    by_feature: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        s = scenario_of(unwrap(item))
        by_feature.setdefault((s.service, s.feature), []).append(item)
    rng = random.Random(8)
    chosen = set()
    for group in by_feature.values():
        plain = [i for i in group if unwrap(i) is i] or group
        chosen.add(id(rng.choice(plain)))
    out = []
    for item in items:
        if id(item) in chosen:
            out.append(item)
        else:
            marks = [*getattr(item, "marks", ()), pytest.mark.slow]
            out.append(pytest.param(unwrap(item), marks=marks))
    return out


def unwrap(item: Any) -> Any:
    """The value of a pytest.param set, or the item itself."""
    values = getattr(item, "values", None)
    return values[0] if isinstance(values, tuple) else item
