"""Lambda fixtures: a served world, a real boto3 Lambda client, and zips built in the test."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from tests.replayer.conftest import error_of as error_of  # re-exported for the Lambda tests
from tests.replayer.conftest import lambda_client

ROLE = "arn:aws:iam::000000000000:role/lambda-role"
ECHO = """
import json, os

def handler(event, context):
    print("echo", json.dumps(event))
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "invoked_arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "version": context.function_version,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "pid": os.getpid(),
        "env": {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    }
"""


def zipped(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buf.getvalue()


@pytest.fixture
def lam(served: str) -> Any:
    return lambda_client(served)


Create = Callable[..., dict[str, Any]]


@pytest.fixture
def create(lam: Any) -> Create:
    """create(name, source=ECHO, handler="app.handler", **more) -> CreateFunction's answer."""

    def make(
        name: str = "fn",
        source: str | dict[str, str | bytes] = ECHO,
        handler: str = "app.handler",
        **more: Any,
    ) -> dict[str, Any]:
        files = source if isinstance(source, dict) else {"app.py": source}
        params: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": "python3.11",
            "Role": ROLE,
            "Handler": handler,
            "Code": {"ZipFile": zipped(files)},
        }
        params.update(more)
        return dict(lam.create_function(**params))

    return make


def invoke(
    lam: Any, name: str = "fn", payload: Any = None, **more: Any
) -> tuple[dict[str, Any], Any]:
    """(response metadata, decoded JSON payload) of a real Invoke."""
    body = json.dumps(payload if payload is not None else {}).encode()
    resp = lam.invoke(FunctionName=name, Payload=body, **more)
    raw = resp["Payload"].read()
    return resp, (json.loads(raw) if raw else None)
