"""Shared Lambda wire helpers: JSON responses, ARNs, timestamps and the model's error values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse

Doc = dict[str, Any]
JSON_TYPE = "application/json"


def respond(doc: Doc | list[Any] | None, status: int = 200) -> ServeResponse:
    """A rest-json success; `None` is an empty body (204 answers such as DeleteFunction)."""
    if doc is None:
        return ServeResponse(status, [], b"")
    body = json.dumps(doc, separators=(",", ":")).encode()
    return ServeResponse(status, [("Content-Type", JSON_TYPE)], body)


async def read_json(request: ServeRequest) -> Doc:
    raw = await request.body.read()
    if not raw.strip():
        return {}
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as e:  # RecursionError: hostile nesting
        raise AwsError("SerializationException", f"Could not parse request body: {e}", 400) from e
    if not isinstance(doc, dict):
        raise AwsError("SerializationException", "Request body must be a JSON object", 400)
    return doc


def function_arn(region: str, account: str, name: str, qualifier: str | None = None) -> str:
    base = f"arn:aws:lambda:{region}:{account}:function:{name}"
    return f"{base}:{qualifier}" if qualifier else base


def last_modified() -> str:
    # FunctionConfiguration.LastModified is ISO 8601 with milliseconds and +0000, e.g.
    # 2024-01-01T00:00:00.000+0000 (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


def not_found(arn: str) -> AwsError:
    # https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors
    return AwsError("ResourceNotFoundException", f"Function not found: {arn}", 404)


def invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValueException", message, 400)


def conflict(message: str) -> AwsError:
    return AwsError("ResourceConflictException", message, 409)


def validation(value: str, member: str, constraint: str) -> AwsError:
    # The framework's wording for a request that breaks a member's constraint.
    message = (
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
        f"constraint: {constraint}"
    )
    return AwsError("ValidationException", message, 400)
