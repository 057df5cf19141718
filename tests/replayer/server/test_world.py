from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from replayer.server.app import create_app
from replayer.server.config import ServeConfig
from tests.replayer.conftest import ServeFactory, admin, interaction, write_cassette

BOOM = {"s3": "tests.replayer.server.models:BoomS3"}


@pytest.fixture
def cassette(tmp_path: Path) -> Path:
    items = [
        interaction(1, "s3", "HeadBucket", ("HEAD", "/b", [], [], b""), (200, [], b"")),
        interaction(2, "s3", "ListBuckets", ("GET", "/", [], [], b""), (200, [], b"")),
        interaction(3, "dynamodb", "ListTables", ("POST", "/", [], [], b"{}"), (200, [], b"{}")),
    ]
    return write_cassette(tmp_path / "w0.awsrec", items)


def test_models_are_seeded_with_their_services_interactions(
    serve_factory: ServeFactory, cassette: Path
) -> None:
    url = serve_factory(cassettes=[cassette.parent], models=BOOM).url
    status, state = admin(url, "state")
    assert status == 200
    assert state["s3"]["seeded"] == ["HeadBucket", "ListBuckets"]
    assert state["s3"]["state_dir"] is None
    _, health = admin(url, "health")
    assert health["services"]["s3"] == "model"


def test_reset_returns_models_to_w0(serve_factory: ServeFactory, cassette: Path) -> None:
    url = serve_factory(cassettes=[cassette], models=BOOM).url
    admin(url, "reset", "POST")
    admin(url, "reset", "POST")
    assert admin(url, "state")[1]["s3"]["resets"] == 2


def test_directory_backend_gives_each_model_its_own_directory(
    serve_factory: ServeFactory, cassette: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    url = serve_factory(cassettes=[cassette], models=BOOM, state_dir=state).url
    assert admin(url, "state")[1]["s3"]["state_dir"] == str(state / "s3")
    assert (state / "s3").is_dir()


def test_admin_refuses_non_loopback_clients_without_token() -> None:
    app = create_app(ServeConfig())
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    # A real ASGI call, as uvicorn makes it, from a client on another machine.
    scope = {
        "type": "http", "method": "GET", "path": "/_awsrec/health", "raw_path": b"/_awsrec/health",
        "query_string": b"", "headers": [(b"host", b"awsrec:4566")], "client": ("10.1.2.3", 50000),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 403
    sent.clear()
    scope["client"] = ("127.0.0.1", 50000)
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 200
