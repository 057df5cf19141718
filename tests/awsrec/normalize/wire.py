"""Capture real boto3 exchanges (signed request + raw response) as Interactions."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3

from awsrec.cassette import Interaction, Request, Response


class Recorder:
    """Hooks a boto3 client's events; every call it makes is kept as an Interaction."""

    def __init__(self, client: Any, service: str) -> None:
        self.service = service
        self.interactions: list[Interaction] = []
        self._pending: Request | None = None
        client.meta.events.register("before-send", self._on_send)
        client.meta.events.register("before-parse", self._on_response)

    def _on_send(self, request: Any, **_: Any) -> None:
        url = urlsplit(request.url)
        body = _peek(request.body)
        self._pending = Request(
            request.method,
            url.path,
            parse_qsl(url.query, keep_blank_values=True),
            [(k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()],
            body,
        )

    def _on_response(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        assert self._pending is not None
        body = response_dict["body"]
        self.interactions.append(
            Interaction(
                seq=len(self.interactions),
                service=self.service,
                operation=operation_model.name,
                request=self._pending,
                response=Response(
                    response_dict["status_code"],
                    list(response_dict["headers"].items()),
                    body if isinstance(body, bytes) else b"",
                ),
            )
        )


def _peek(body: Any) -> bytes:
    """The body's bytes, leaving a stream where it was for the real send."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    start = body.tell()
    data = body.read()
    body.seek(start)
    return data if isinstance(data, bytes) else data.encode()


def client(service: str, url: str, **kwargs: Any) -> tuple[Any, Recorder]:
    """A real boto3 client for the loopback server at `url`, and its recorder."""
    c = boto3.client(service, endpoint_url=url, region_name="us-east-1", **kwargs)
    return c, Recorder(c, service)
