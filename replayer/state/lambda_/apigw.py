"""API Gateway REST (v1) proxy front: HTTP request -> proxy event -> function -> HTTP response.

Event and response formats: https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import unquote

from replayer.state.base import ServeResponse

PREFIX = "/_awsrec/apigw/"
STAGE = "awsrec"
Pairs = list[tuple[str, str]]


class HttpRequest(Protocol):
    """What the front needs of a raw request (the server core's `Incoming` has it)."""

    method: str
    raw_path: str
    query: Pairs
    headers: Pairs
    host: str
    client: str


def split_path(raw_path: str) -> tuple[str, str]:
    """(FUNCTION, "/rest/of/path") from /_awsrec/apigw/FUNCTION/rest/of/path."""
    rest = raw_path.split("?", 1)[0][len(PREFIX) :]
    name, _, tail = rest.partition("/")
    return unquote(name), "/" + unquote(tail)


def _multi(pairs: Pairs) -> dict[str, list[str]] | None:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out or None


def event(req: HttpRequest, path: str, body: bytes, account: str) -> dict[str, Any]:
    """The proxy event for a `{proxy+}` resource at the root of stage `awsrec`."""
    mq = _multi(req.query)
    mh = _multi(req.headers)
    now = datetime.now(UTC)
    text: str | None = None
    encoded = False
    if body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
    ua = next((v for k, v in req.headers if k.lower() == "user-agent"), None)
    identity = dict.fromkeys(
        ("cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "principalOrgId",
         "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn",
         "user"),
    )  # fmt: skip
    identity.update({"sourceIp": req.client or "127.0.0.1", "userAgent": ua})
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": req.method,
        "headers": {k: v[-1] for k, v in mh.items()} if mh else None,
        "multiValueHeaders": mh,
        "queryStringParameters": {k: v[-1] for k, v in mq.items()} if mq else None,
        "multiValueQueryStringParameters": mq,
        "pathParameters": {"proxy": path[1:]} if path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "awsrec",
            "resourcePath": "/{proxy+}",
            "httpMethod": req.method,
            "extendedRequestId": base64.b64encode(uuid.uuid4().bytes[:12]).decode(),
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{STAGE}{path}",
            "accountId": account,
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": req.host.split(".")[0].split(":")[0],
            "requestTimeEpoch": int(time.time() * 1000),
            "requestId": str(uuid.uuid4()),
            "identity": identity,
            "domainName": req.host,
            "apiId": "awsrec",
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


def gateway_error(status: int, message: str, kind: str) -> ServeResponse:
    # API Gateway's own answer when the integration fails (502) or times out (504).
    headers = [
        ("Content-Type", "application/json"),
        ("x-amzn-RequestId", str(uuid.uuid4())),
        ("x-amzn-ErrorType", kind),
    ]
    return ServeResponse(status, headers, json.dumps({"message": message}).encode())


def response(payload: bytes) -> ServeResponse:
    """The function's proxy response as HTTP; a malformed one is API Gateway's 502."""
    try:
        doc = json.loads(payload)
        status = int(doc.get("statusCode", 200)) if isinstance(doc, dict) else 0
    except (ValueError, TypeError):
        status = 0
    if not 100 <= status <= 599:
        return gateway_error(502, "Internal server error", "InternalServerErrorException")
    headers: Pairs = []
    for key, value in (doc.get("headers") or {}).items():
        headers.append((str(key), str(value)))
    for key, values in (doc.get("multiValueHeaders") or {}).items():
        headers.extend((str(key), str(v)) for v in values)
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    headers.append(("x-amzn-RequestId", str(uuid.uuid4())))
    raw = doc.get("body") or ""
    body = base64.b64decode(raw) if doc.get("isBase64Encoded") else str(raw).encode()
    return ServeResponse(status, headers, body)
